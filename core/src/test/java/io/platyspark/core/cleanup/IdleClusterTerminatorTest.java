package io.platyspark.core.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.backend.RegisteredClusterBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.schedule.LeaderLock;
import io.platyspark.core.security.SourcePolicy;
import io.platyspark.core.service.ClusterProvisioner;
import io.platyspark.core.service.ClusterService;
import io.platyspark.core.testing.FakeClusterBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdleClusterTerminatorTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final FakeClusterBackend provider = new FakeClusterBackend();
    private final ClusterBackends backends = new ClusterBackends(List.of(provider, new RegisteredClusterBackend()));
    private final ClusterService service = new ClusterService(
            store.clusters,
            backends,
            ClusterConfigs.NONE,
            new SourcePolicy(List.of(), Set.of(), List.of("livy.internal")),
            () -> {});
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private IdleClusterTerminator terminator(boolean dryRun) {
        return new IdleClusterTerminator(
                store.jdbc, store.clusters, service, TestCleanupProperties.of(100, 10, 0, dryRun), clock, meters);
    }

    @BeforeEach
    void clusters() {
        store.managedCluster("dedicated", ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        store.managedCluster("shared", ClusterKind.SHARED, null, ClusterState.STARTING);
        store.clusters.getOrCreate(new NewCluster(
                "patient", ClusterKind.DEDICATED, "data", "{}", null, ClusterState.STARTING, Duration.ofHours(3)));
        store.clusters.getOrCreate(new NewCluster(
                "registered", ClusterKind.DEDICATED, "data", null, "http://livy.internal:8998", ClusterState.WAITING));
        new ClusterProvisioner(
                        store.clusters,
                        backends,
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5),
                        meters)
                .runOnce();
        for (Cluster c : store.clusters.findActive()) {
            if (c.externalId() != null) {
                store.clusters.transition(c.id(), c.state(), ClusterState.WAITING, null, null, null, null);
            }
        }
    }

    private SparkApp finishedApp(String cluster) {
        SparkApp app = store.app("job", cluster);
        return store.apps
                .transition(app.id(), AppState.PENDING, AppTransition.to(AppState.SUCCEEDED, null))
                .current();
    }

    @Test
    void onlyIdleDedicatedClustersPastTheirTimeoutAreTerminated() {
        clock.advance(Duration.ofMinutes(10));
        finishedApp("dedicated");
        clock.advance(Duration.ofMinutes(59));
        assertThat(terminator(false).runOnce())
                .as("59 minutes after its last app")
                .isEmpty();

        clock.advance(Duration.ofMinutes(2));
        List<IdleClusterTerminator.Idle> done = terminator(false).runOnce();

        assertThat(done).extracting(IdleClusterTerminator.Idle::name).containsExactly("dedicated");
        assertThat(store.clusters.findActive("dedicated").orElseThrow().state()).isEqualTo(ClusterState.TERMINATING);
        assertThat(store.clusters.findActive("dedicated").orElseThrow().stateReason())
                .startsWith("idle for 61 minutes");
        assertThat(provider.terminated()).hasSize(1);
        assertThat(store.clusters.findActive("shared").orElseThrow().state()).isEqualTo(ClusterState.WAITING);
        assertThat(store.clusters.findActive("patient").orElseThrow().state())
                .as("its own 3h timeout")
                .isEqualTo(ClusterState.WAITING);
        assertThat(store.clusters.findActive("registered"))
                .as("not ours to stop")
                .isPresent();
        assertThat(meters.counter("platy.cleanup.clusters.terminated").count()).isEqualTo(1);
    }

    @Test
    void aCleanerInterruptedDuringItsPurgeLeavesTheIdleClustersForItsNextRun() {
        finishedApp("shared");
        finishedApp("shared");
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        finishedApp("dedicated");
        clock.advance(Duration.ofMinutes(61));
        LeaderLock lock = new LeaderLock(store.dataSource, clock, Duration.ofSeconds(30), Duration.ofSeconds(10));
        // Batches of 1: the two old apps take two batches, and the pause between them is interrupted.
        // Every batch "takes" 1 ns by its timer, so a pause follows it.
        AtomicLong nanos = new AtomicLong();
        RetentionCleaner interrupted = new RetentionCleaner(
                store.jdbc, TestCleanupProperties.of(1, 10, 1, false), clock, meters, nanos::incrementAndGet, pause -> {
                    throw new InterruptedException("stopping");
                });

        Cleaner.Run run;
        try {
            run = new Cleaner(lock, interrupted, terminator(false)).runOnce();
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }

        assertThat(run.purged().apps()).isEqualTo(1);
        assertThat(run.idleClusters()).isEmpty();
        assertThat(provider.terminated()).isEmpty();
        Cleaner.Run next = new Cleaner(
                        lock,
                        new RetentionCleaner(store.jdbc, TestCleanupProperties.of(1, 10, 0, false), clock, meters),
                        terminator(false))
                .runOnce();
        assertThat(next.purged().apps()).isEqualTo(1);
        assertThat(next.idleClusters())
                .extracting(IdleClusterTerminator.Idle::name)
                .as("idle for a week: past their own timeouts too")
                .containsExactlyInAnyOrder("dedicated", "patient");
    }

    @Test
    void aClusterThatEndsWithItsAppIsTerminatedOnceItsAppFinished() {
        Cluster oneShot = store.clusters
                .getOrCreate(new NewCluster(
                        "one-shot",
                        ClusterKind.DEDICATED,
                        "data",
                        "{\"name\":\"one-shot\",\"terminateAfterApp\":true}",
                        null,
                        ClusterState.STARTING))
                .cluster();
        new ClusterProvisioner(
                        store.clusters,
                        backends,
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5),
                        meters)
                .runOnce();
        store.clusters.transition(oneShot.id(), ClusterState.STARTING, ClusterState.WAITING, null, null, null, null);
        assertThat(terminator(false).runOnce()).as("no app has run on it yet").isEmpty();
        SparkApp app = store.app("job", "one-shot");
        store.apps.transition(
                app.id(),
                AppState.PENDING,
                AppTransition.to(AppState.SUBMITTED, null).withBackend("fake", "b-1"));
        assertThat(terminator(false).runOnce()).as("its app is still active").isEmpty();

        store.apps.transition(app.id(), AppState.SUBMITTED, AppTransition.to(AppState.SUCCEEDED, null));
        List<IdleClusterTerminator.Idle> done = terminator(false).runOnce();

        assertThat(done).extracting(IdleClusterTerminator.Idle::name).containsExactly("one-shot");
        Cluster ended = store.clusters.find(oneShot.id()).orElseThrow();
        assertThat(ended.state()).isEqualTo(ClusterState.TERMINATING);
        assertThat(ended.stateReason()).isEqualTo("its app ended (terminateAfterApp)");
        assertThat(store.clusters.findActive("dedicated").orElseThrow().state()).isEqualTo(ClusterState.WAITING);
    }

    @Test
    void aClusterWithAnActiveAppIsNeverIdle() {
        store.app("long-running", "dedicated");
        clock.advance(Duration.ofHours(5));

        assertThat(terminator(false).runOnce())
                .extracting(IdleClusterTerminator.Idle::name)
                .containsExactly("patient");
    }

    @Test
    void dryRunListsButChangesNothing() {
        clock.advance(Duration.ofHours(2));

        List<IdleClusterTerminator.Idle> wouldBe = terminator(true).runOnce();

        assertThat(wouldBe).extracting(IdleClusterTerminator.Idle::name).containsExactly("dedicated");
        assertThat(store.clusters.findActive("dedicated").orElseThrow().state()).isEqualTo(ClusterState.WAITING);
        assertThat(provider.terminated()).isEmpty();
    }

    @Test
    void anAppAcceptedWhileOtherClustersAreTerminatedKeepsItsCluster() {
        clock.advance(Duration.ofHours(5));
        // While the first idle cluster ("dedicated") is stopped at its provider, an app arrives for the next.
        provider.onTerminate(c -> store.app("just-in-time", "patient"));

        List<IdleClusterTerminator.Idle> done = terminator(false).runOnce();

        assertThat(done).extracting(IdleClusterTerminator.Idle::name).containsExactly("dedicated");
        assertThat(store.clusters.findActive("patient").orElseThrow().state()).isEqualTo(ClusterState.WAITING);
    }
}
