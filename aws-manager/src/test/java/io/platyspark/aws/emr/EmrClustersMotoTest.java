package io.platyspark.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.moto.FaultProxy;
import io.platyspark.aws.moto.MotoServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.emr.EmrClient;

/** EMR operations against moto's EMR protocol. */
class EmrClustersMotoTest {

    private final MotoServer moto = MotoServer.get();
    private final EmrClient client = moto.clients().emr();
    private final EmrClusters emr = new EmrClusters(client);
    private final PlatformDefaults defaults = PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/");

    private ClusterConfig config(String name) {
        return new DevClusterConfig(name, "data");
    }

    @Test
    void createDescribeListAndTerminate() throws Exception {
        String name = "lifecycle-" + UUID.randomUUID();
        EmrClusters.Created created = emr.create(config(name), defaults, "platy-" + name);

        EmrCluster cluster = emr.waitUntilReady(created.clusterId(), Duration.ofMinutes(1), Duration.ofMillis(10));
        assertThat(created.adopted()).isFalse();
        assertThat(cluster.name()).isEqualTo(name);
        assertThat(cluster.ready()).isTrue();
        assertThat(cluster.tags()).containsEntry("team", "data").containsEntry("platy:cluster-id", "platy-" + name);
        assertThat(cluster.masterDns()).isNotBlank();
        assertThat(EmrClusters.livyUrl(cluster.masterDns())).isEqualTo("http://" + cluster.masterDns() + ":8998");
        assertThat(emr.list(Set.of("RUNNING", "WAITING"), null))
                .extracting(EmrCluster::id)
                .contains(created.clusterId());

        emr.terminate(created.clusterId());

        assertThat(emr.describe(created.clusterId()).terminated()).isTrue();
        assertThat(emr.list(Set.of("RUNNING", "WAITING"), null))
                .extracting(EmrCluster::id)
                .doesNotContain(created.clusterId());
        assertThat(emr.list(Set.of("TERMINATED"), null))
                .extracting(EmrCluster::id)
                .contains(created.clusterId());
    }

    @Test
    void aSecondCreateForTheSamePlatformIdAdoptsTheFirstCluster() {
        String name = "adopt-" + UUID.randomUUID();
        EmrClusters.Created first = emr.create(config(name), defaults, "platy-id-1");
        EmrClusters.Created again = emr.create(config(name), defaults, "platy-id-1");
        EmrClusters.Created other = emr.create(config(name), defaults, "platy-id-2");

        assertThat(again.adopted()).isTrue();
        assertThat(again.clusterId()).isEqualTo(first.clusterId());
        assertThat(other.clusterId()).as("same name, another platform cluster").isNotEqualTo(first.clusterId());
        assertThat(emr.list(Set.of(), null))
                .filteredOn(c -> c.name().equals(name))
                .hasSize(2);
    }

    @Test
    void aLostRunJobFlowAnswerIsNotRepeatedByTheSdkAndTheNextAttemptAdoptsTheCluster() {
        try (FaultProxy proxy = new FaultProxy(moto.endpoint())) {
            EmrClusters throughProxy =
                    new EmrClusters(new AwsClients("us-east-1", proxy.endpoint(), Duration.ofSeconds(30)).emr());
            String name = "lost-" + UUID.randomUUID();
            proxy.dropAnswers("ElasticMapReduce.RunJobFlow", 1);

            assertThatThrownBy(() -> throughProxy.create(config(name), defaults, "platy-lost"))
                    .isInstanceOf(SdkClientException.class);
            assertThat(proxy.count("ElasticMapReduce.RunJobFlow"))
                    .as("no SDK retry of RunJobFlow")
                    .isEqualTo(1);
            EmrClusters.Created again = throughProxy.create(config(name), defaults, "platy-lost");

            assertThat(again.adopted()).isTrue();
            assertThat(proxy.count("ElasticMapReduce.RunJobFlow")).isEqualTo(1);
            assertThat(emr.list(Set.of(), null))
                    .filteredOn(c -> c.name().equals(name))
                    .extracting(EmrCluster::id)
                    .containsExactly(again.clusterId());
        }
    }

    @Test
    void findSaysEmptyOnlyWhenEmrDoesNotKnowTheCluster() {
        assertThat(emr.find("j-DOESNOTEXIST")).isEmpty();
        try (FaultProxy proxy = new FaultProxy(moto.endpoint())) {
            proxy.down(true);
            EmrClusters down =
                    new EmrClusters(new AwsClients("us-east-1", proxy.endpoint(), Duration.ofSeconds(5)).emr());
            assertThatThrownBy(() -> down.find("j-DOESNOTEXIST"))
                    .as("an outage is not 'no such cluster'")
                    .isInstanceOf(SdkException.class);
        }
    }

    @Test
    void listingPagesThroughEveryCluster() {
        String prefix = "page-" + UUID.randomUUID() + "-";
        for (int i = 0; i < 55; i++) {
            client.runJobFlow(config(prefix + i).toRunJobFlowRequest(defaults, prefix + i));
        }
        int pagesBefore = emr.listPagesRead();

        List<EmrCluster> listed = emr.list(Set.of(), null);

        assertThat(listed).filteredOn(c -> c.name().startsWith(prefix)).hasSize(55);
        assertThat(emr.listPagesRead() - pagesBefore).as("50 per page").isEqualTo((listed.size() + 49) / 50);
    }
}
