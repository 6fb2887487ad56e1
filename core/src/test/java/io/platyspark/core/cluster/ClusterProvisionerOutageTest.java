package io.platyspark.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.service.ClusterProvisioner;
import io.platyspark.core.testing.FakeClusterBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cluster creates follow the apps' rule: a provider outage is waited out, up to the pending timeout. */
class ClusterProvisionerOutageTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final FakeClusterBackend provider = new FakeClusterBackend();
    private final ClusterProvisioner provisioner = new ClusterProvisioner(
            store.clusters,
            new ClusterBackends(List.of(provider)),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            Duration.ofMinutes(1),
            new SimpleMeterRegistry(),
            clock,
            Duration.ofHours(1));

    @Test
    void anOutageIsWaitedOutUpToThePendingTimeoutThenTheClusterFailsWithItsReason() {
        Cluster cluster = store.managedCluster("etl", ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        provider.fail(new BackendUnavailableException("emr", "connect timed out", null));

        for (int minute = 0; minute < 59; minute++) {
            provisioner.runOnce();
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(store.clusters.find(cluster.id()).orElseThrow().state())
                .as("still waited for within the hour")
                .isEqualTo(ClusterState.STARTING);
        clock.advance(Duration.ofMinutes(1));
        provisioner.runOnce();

        Cluster after = store.clusters.find(cluster.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(ClusterState.TERMINATED_WITH_ERRORS);
        assertThat(after.stateReason()).contains("not created within 1h").contains("connect timed out");
    }
}
