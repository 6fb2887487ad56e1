package io.platyspark.backend.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.aws.AwsClients;
import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.aws.moto.MotoServer;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.quota.JdbcTeamQuotas;
import io.platyspark.core.quota.QuotaUpdate;
import io.platyspark.core.service.ClusterProvisioner;
import io.platyspark.core.submit.SubmissionProperties;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import io.platyspark.core.testing.TestQuotas;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.Command;
import tools.jackson.databind.json.JsonMapper;

/** The shared cluster's RunJobFlow, read back from moto, carries each team's YARN queue weight and maximum. */
class SharedClusterQueueLimitsMotoTest {

    private final MotoServer moto = MotoServer.get();
    private final EmrClient direct = moto.clients().emr();
    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final PlatformDefaults defaults = PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/");
    private final JdbcTeamQuotas quotas =
            new JdbcTeamQuotas(store.jdbc, TestQuotas.of(100, 100, Duration.ofSeconds(2)), new JsonMapper(), clock);
    private final EmrClusterConfigs configs = new EmrClusterConfigs(
            defaults,
            new SubmissionProperties(
                    true,
                    1,
                    10,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(15),
                    3,
                    Duration.ofSeconds(10),
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(15)),
            config -> YarnQueueLimits.apply(
                    config, quotas.customized(), quotas.defaults().maxQueuePercent(), ""));
    private final ClusterProvisioner provisioner = new ClusterProvisioner(
            store.clusters,
            new ClusterBackends(List.of(new EmrClusterBackend(
                    new EmrClusters(new AwsClients("us-east-1", moto.endpoint(), Duration.ofSeconds(20)).emr()),
                    defaults))),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            new SimpleMeterRegistry());

    @BeforeEach
    void emptyMoto() {
        moto.reset();
    }

    private String sharedAtMoto(String name) {
        var preset = configs.preset(ClusterKind.SHARED, name, null).orElseThrow();
        Cluster cluster = store.clusters
                .getOrCreate(new NewCluster(
                        name, ClusterKind.SHARED, null, preset.json(), null, ClusterState.STARTING, null))
                .cluster();
        provisioner.runOnce();
        return store.clusters.find(cluster.id()).orElseThrow().externalId();
    }

    private String allocationsAt(String clusterId) {
        List<Command> actions =
                direct.listBootstrapActions(r -> r.clusterId(clusterId)).bootstrapActions();
        Command write = actions.stream()
                .filter(a -> a.name().equals(YarnQueueLimits.BOOTSTRAP_NAME))
                .findFirst()
                .orElseThrow();
        String script = write.args().get(1);
        String encoded = script.substring(script.indexOf("echo ") + 5, script.indexOf(" | base64"));
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    @Test
    void eachTeamsQueueCarriesItsWeightAndMaximumAndANewShareReachesTheNextSharedCluster() {
        quotas.put("team-a", new QuotaUpdate(3, null, null, null, null, 60), "admin");
        quotas.put("team-b", new QuotaUpdate(1, null, null, null, null, null), "admin");

        String id = sharedAtMoto("shared");

        assertThat(id).isNotNull();
        var cluster = direct.describeCluster(r -> r.clusterId(id)).cluster();
        assertThat(cluster.configurations()).anySatisfy(c -> {
            assertThat(c.classification()).isEqualTo("yarn-site");
            assertThat(c.properties())
                    .containsEntry("yarn.scheduler.fair.allocation.file", YarnQueueLimits.ALLOCATION_FILE)
                    .containsEntry(
                            "yarn.resourcemanager.scheduler.class",
                            "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fair.FairScheduler");
        });
        String xml = allocationsAt(id);
        assertThat(xml)
                .contains("<queueMaxResourcesDefault>50.0%</queueMaxResourcesDefault>")
                .contains("<queue name=\"team-a\">\n    <weight>3.0</weight>\n    <maxResources>60.0%</maxResources>")
                .contains("<queue name=\"team-b\">\n    <weight>1.0</weight>\n    <maxResources>50.0%</maxResources>");

        quotas.put("team-a", new QuotaUpdate(5, null, null, null, null, 60), "admin");
        String next = sharedAtMoto("shared-2");
        assertThat(allocationsAt(next)).contains("<queue name=\"team-a\">\n    <weight>5.0</weight>");
    }

    @Test
    void aUserConfigCannotCarryThePlatformsOwnBootstrapAction() {
        String json =
                io.platyspark.aws.emr.ClusterConfigJson.write(new io.platyspark.aws.emr.DevClusterConfig("x", "data")
                        .withBootstrapAction(ClusterConfig.PLATFORM_BOOTSTRAP, "file:/bin/bash", "-c", "id"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> configs.validate("config", json, "x", "data"))
                .isInstanceOfSatisfying(
                        io.platyspark.core.InvalidFieldException.class,
                        e -> assertThat(e.errors())
                                .anySatisfy(f -> assertThat(f.field()).isEqualTo("config.bootstrapActions[0].name")));
    }

    @Test
    void aQueuePrefixNestsTheTeamsUnderTheirParent() {
        quotas.put("team-a", new QuotaUpdate(2, null, null, null, null, null), "admin");
        ClusterConfig config = YarnQueueLimits.apply(
                new io.platyspark.aws.emr.SharedClusterConfig("s"), quotas.customized(), 50, "root.teams.");
        String xml = YarnQueueLimits.allocations(quotas.customized(), 50, "root.teams.");
        assertThat(xml).contains("<queue name=\"teams\" type=\"parent\">\n    <queue name=\"team-a\">");
        assertThat(config.bootstrapActions()).extracting(b -> b.path()).contains("file:/bin/bash");
    }
}
