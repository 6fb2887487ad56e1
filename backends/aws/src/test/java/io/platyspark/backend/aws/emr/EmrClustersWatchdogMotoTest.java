package io.platyspark.backend.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.aws.AwsClients;
import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.ClusterConfigJson;
import io.platyspark.aws.emr.DevClusterConfig;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.aws.emr.SharedClusterConfig;
import io.platyspark.aws.moto.FaultProxy;
import io.platyspark.aws.moto.MotoServer;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.reconcile.ClusterReconciler;
import io.platyspark.core.reconcile.ReconcileProperties;
import io.platyspark.core.service.ClusterProvisioner;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.ClusterSummary;

/**
 * The provisioner and the watchdog against moto's EMR behind a proxy that can lose answers: a lost RunJobFlow answer
 * leaves one cluster, orphans tagged with a platform id are terminated, and clusters EMR forgot are resolved.
 */
class EmrClustersWatchdogMotoTest {

    private static final String RUN_JOB_FLOW = "ElasticMapReduce.RunJobFlow";

    private final MotoServer moto = MotoServer.get();
    private final FaultProxy proxy = new FaultProxy(moto.endpoint());
    private final EmrClient direct = moto.clients().emr();
    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PlatformDefaults defaults = PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/");
    private final EmrClusterBackend backend = new EmrClusterBackend(
            new EmrClusters(new AwsClients("us-east-1", proxy.endpoint(), Duration.ofSeconds(20)).emr()), defaults);
    private final ClusterBackends backends = new ClusterBackends(List.of(backend));
    private final ClusterProvisioner provisioner = new ClusterProvisioner(
            store.clusters, backends, Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(30), meters);
    private final ClusterReconciler reconciler = new ClusterReconciler(
            store.clusters, store.apps, backends, ReconcileProperties.defaults(), clock, meters, () -> {});

    @BeforeEach
    void emptyMoto() {
        moto.reset();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private Cluster record(ClusterConfig config, ClusterKind kind) {
        return store.clusters
                .getOrCreate(new NewCluster(
                        config.name(),
                        kind,
                        "data",
                        ClusterConfigJson.write(config),
                        null,
                        ClusterState.STARTING,
                        null))
                .cluster();
    }

    private List<ClusterSummary> atMoto(String name) {
        return direct.listClustersPaginator(r -> {}).clusters().stream()
                .filter(c -> c.name().equals(name))
                .toList();
    }

    private String stateAtMoto(String id) {
        return direct.describeCluster(r -> r.clusterId(id)).cluster().status().stateAsString();
    }

    @Test
    void aRunJobFlowAnswerLostOnTheWayLeavesExactlyOneCluster() {
        Cluster cluster = record(new DevClusterConfig("lost-answer", "data"), ClusterKind.DEDICATED);
        proxy.dropAnswers(RUN_JOB_FLOW, 1);

        provisioner.runOnce();
        assertThat(store.clusters.find(cluster.id()).orElseThrow().externalId())
                .as("answer lost")
                .isNull();
        clock.advance(Duration.ofMinutes(1)); // past the backoff
        provisioner.runOnce();
        reconciler.reconcileOnce();

        assertThat(proxy.count(RUN_JOB_FLOW)).isEqualTo(1);
        assertThat(atMoto("lost-answer")).hasSize(1);
        Cluster recorded = store.clusters.find(cluster.id()).orElseThrow();
        assertThat(recorded.externalId()).isEqualTo(atMoto("lost-answer").get(0).id());
        assertThat(recorded.state()).isEqualTo(ClusterState.WAITING);
        assertThat(stateAtMoto(recorded.externalId())).isEqualTo("WAITING");
    }

    @Test
    void clustersTaggedWithAPlatformIdTheStoreDoesNotOwnAreTerminated() {
        Cluster owned = record(new DevClusterConfig("owned", "data"), ClusterKind.DEDICATED);
        provisioner.runOnce();
        String ownedId = store.clusters.find(owned.id()).orElseThrow().externalId();
        // A second cluster for the same platform id (what an SDK retry of a lost create made), one for an id the
        // store never had, one whose create is still under way (recorded, no provider id yet), one not ours.
        String duplicate = direct.runJobFlow(new DevClusterConfig("owned", "data")
                        .toRunJobFlowRequest(defaults, owned.id().toString()))
                .jobFlowId();
        String unknown = direct.runJobFlow(new DevClusterConfig("gone", "data")
                        .toRunJobFlowRequest(defaults, UUID.randomUUID().toString()))
                .jobFlowId();
        Cluster creating = record(new DevClusterConfig("creating", "data"), ClusterKind.DEDICATED);
        String underWay = direct.runJobFlow(new DevClusterConfig("creating", "data")
                        .toRunJobFlowRequest(defaults, creating.id().toString()))
                .jobFlowId();
        String foreign = direct.runJobFlow(r -> r.name("someone-elses")
                        .releaseLabel("emr-7.5.0")
                        .instances(i -> i.instanceCount(1)
                                .masterInstanceType("m5.xlarge")
                                .keepJobFlowAliveWhenNoSteps(true)))
                .jobFlowId();

        ClusterReconciler.Result result = reconciler.reconcileOnce();

        assertThat(result.orphansTerminated()).isEqualTo(2);
        assertThat(stateAtMoto(duplicate)).startsWith("TERMINAT");
        assertThat(stateAtMoto(unknown)).startsWith("TERMINAT");
        assertThat(stateAtMoto(ownedId)).isEqualTo("WAITING");
        assertThat(stateAtMoto(underWay)).isEqualTo("WAITING");
        assertThat(stateAtMoto(foreign)).isEqualTo("WAITING");
        assertThat(meters.counter("platy.clusters.orphans", "backend", "emr", "outcome", "terminated")
                        .count())
                .isEqualTo(2);

        provisioner.runOnce(); // the create under way adopts its cluster
        assertThat(store.clusters.find(creating.id()).orElseThrow().externalId())
                .isEqualTo(underWay);
        reconciler.reconcileOnce(); // describes the adopted cluster once, for its master DNS
        proxy.resetCounts();
        reconciler.reconcileOnce();
        assertThat(proxy.operations())
                .as("clusters known not to be ours are not described again")
                .containsOnly("ElasticMapReduce.ListClusters");
    }

    @Test
    void whenEmrForgetsEveryClusterEachIsResolvedAndTheSharedOneIsRecreatedWithinTwoCycles() {
        Cluster shared = record(new SharedClusterConfig("shared"), ClusterKind.SHARED);
        Cluster dedicated = record(new DevClusterConfig("etl", "data"), ClusterKind.DEDICATED);
        provisioner.runOnce();
        reconciler.reconcileOnce();
        assertThat(store.clusters.find(shared.id()).orElseThrow().state()).isEqualTo(ClusterState.WAITING);
        String firstShared = store.clusters.find(shared.id()).orElseThrow().externalId();

        moto.reset(); // EMR loses its state

        reconciler.reconcileOnce();
        Cluster etl = store.clusters.find(dedicated.id()).orElseThrow();
        assertThat(etl.state()).isEqualTo(ClusterState.TERMINATED);
        assertThat(etl.stateReason()).contains("EMR no longer knows cluster");
        assertThat(store.clusters.find(shared.id()).orElseThrow().state()).isEqualTo(ClusterState.TERMINATED);
        provisioner.runOnce();
        reconciler.reconcileOnce();

        Cluster again = store.clusters.findActive("shared").orElseThrow();
        assertThat(again.id()).isNotEqualTo(shared.id());
        assertThat(again.externalId()).isNotNull().isNotEqualTo(firstShared);
        assertThat(again.state()).isEqualTo(ClusterState.WAITING);
        assertThat(store.clusters.findActive()).extracting(Cluster::name).containsExactly("shared");
    }

    @Test
    void anOutageIsNotANoSuchClusterAnswer() {
        Cluster cluster = record(new DevClusterConfig("etl", "data"), ClusterKind.DEDICATED);
        provisioner.runOnce();
        reconciler.reconcileOnce();
        proxy.down(true);

        ClusterReconciler.Result result = reconciler.reconcileOnce();

        assertThat(result.backendErrors()).isEqualTo(1);
        assertThat(store.clusters.find(cluster.id()).orElseThrow().state()).isEqualTo(ClusterState.WAITING);
    }
}
