package io.platyspark.core.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.backend.RegisteredClusterBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterRequest;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.security.Caller;
import io.platyspark.core.security.SourcePolicy;
import io.platyspark.core.service.ClusterProvisioner;
import io.platyspark.core.service.ClusterService;
import io.platyspark.core.testing.FakeClusterBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Clusters from request to death: provisioning once, state propagation, apps of a dead cluster, re-creation. */
class ClusterLifecycleTest {

    private static final Caller TEAM_A = new Caller("alice", "team-a", false);

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final FakeClusterBackend provider = new FakeClusterBackend();
    private final ClusterBackends backends = new ClusterBackends(List.of(provider, new RegisteredClusterBackend()));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ClusterConfigs configs = new ClusterConfigs() {
        @Override
        public ValidConfig validate(String field, String json, String name, String team) {
            return new ValidConfig(json, null);
        }

        @Override
        public Optional<ValidConfig> preset(ClusterKind kind, String name, String team) {
            return Optional.of(new ValidConfig("{\"preset\":\"" + kind + "\"}", null));
        }
    };
    private final ClusterService service = new ClusterService(
            store.clusters,
            backends,
            configs,
            new SourcePolicy(List.of(), Set.of(), List.of("livy.internal")),
            () -> {});
    private final ClusterProvisioner provisioner = new ClusterProvisioner(
            store.clusters, backends, Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(30), meters);
    private final ClusterReconciler reconciler = new ClusterReconciler(
            store.clusters, store.apps, backends, ReconcileProperties.defaults(), clock, meters, () -> {});
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private Cluster stored(String name) {
        return store.clusters.findActive(name).orElseThrow();
    }

    private SparkApp running(String name, String cluster) {
        SparkApp app = store.app(name, cluster);
        store.apps.transition(
                app.id(),
                AppState.PENDING,
                AppTransition.to(AppState.SUBMITTED, null).withBackend("fake", name));
        return store.apps
                .transition(app.id(), AppState.SUBMITTED, AppTransition.to(AppState.RUNNING, null))
                .current();
    }

    @Test
    void aRequestedClusterIsCreatedOnceAndItsStatePropagates() {
        service.getOrCreate(TEAM_A, new ClusterRequest("etl", ClusterKind.DEDICATED, null, "{\"x\":1}", null));

        provisioner.runOnce();
        provisioner.runOnce();
        assertThat(provider.created()).containsExactly("etl");
        Cluster starting = stored("etl");
        assertThat(starting.externalId()).isEqualTo("j-FAKE1");
        assertThat(starting.state()).isEqualTo(ClusterState.STARTING);

        provider.report("j-FAKE1", ClusterState.WAITING, "Cluster ready to run steps.", "ip-10-0-0-1.ec2.internal");
        ClusterReconciler.Result result = reconciler.reconcileOnce();

        Cluster ready = stored("etl");
        assertThat(result.changed()).isEqualTo(1);
        assertThat(ready.state()).isEqualTo(ClusterState.WAITING);
        assertThat(ready.masterDns()).isEqualTo("ip-10-0-0-1.ec2.internal");
        assertThat(ready.livyUrl()).isEqualTo("http://ip-10-0-0-1.ec2.internal:8998");
        assertThat(reconciler.reconcileOnce().changed())
                .as("nothing new, nothing written")
                .isZero();
    }

    @Test
    void aReasonBelongsToItsStateAndANullReasonIsNoChange() {
        store.managedCluster("etl", ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        provisioner.runOnce();
        assertThat(stored("etl").stateReason()).isEqualTo("Provisioning");

        provider.report("j-FAKE1", ClusterState.WAITING, null, "ip-1");
        assertThat(reconciler.reconcileOnce().changed()).isEqualTo(1);
        Cluster waiting = stored("etl");
        assertThat(waiting.stateReason())
                .as("STARTING's reason does not outlive it")
                .isNull();
        assertThat(reconciler.reconcileOnce().changed())
                .as("WAITING -> WAITING is not a change")
                .isZero();
        assertThat(reconciler.reconcileOnce().changed()).isZero();
        assertThat(stored("etl").updatedAt()).isEqualTo(waiting.updatedAt());

        provider.report("j-FAKE1", ClusterState.WAITING, "Cluster ready after last step completed.", "ip-1");
        assertThat(reconciler.reconcileOnce().changed())
                .as("a new reason is a change")
                .isEqualTo(1);
        provider.report("j-FAKE1", ClusterState.WAITING, null, "ip-1");
        assertThat(reconciler.reconcileOnce().changed()).isZero();
        assertThat(stored("etl").stateReason())
                .as("kept while the state lasts")
                .isEqualTo("Cluster ready after last step completed.");

        SparkApp app = running("daily", "etl");
        provider.report("j-FAKE1", ClusterState.TERMINATED, null, "ip-1");
        reconciler.reconcileOnce();
        assertThat(store.clusters.find(waiting.id()).orElseThrow().stateReason())
                .isNull();
        assertThat(store.apps.find(app.id()).orElseThrow().stateReason()).isEqualTo("cluster 'etl' TERMINATED");
    }

    @Test
    void providersAreReadAtTheClusterPaceWhileAppsOfEndedClustersFailEveryCycle() {
        store.managedCluster("etl", ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        provisioner.runOnce();
        reconciler.reconcileIfDue();
        clock.advance(Duration.ofSeconds(29));
        SparkApp app = running("daily", "etl");
        store.clusters.transition(
                stored("etl").id(), ClusterState.STARTING, ClusterState.TERMINATED, "by hand", null, null, null);

        ClusterReconciler.Result notDue = reconciler.reconcileIfDue();

        assertThat(provider.describeAllCalls()).as("30 s cluster interval").isEqualTo(1);
        assertThat(notDue.appsFailed()).isEqualTo(1);
        assertThat(store.apps.find(app.id()).orElseThrow().state()).isEqualTo(AppState.FAILED);
        clock.advance(Duration.ofSeconds(1));
        reconciler.reconcileIfDue();
        assertThat(provider.describeAllCalls()).isEqualTo(2);
    }

    @Test
    void manyConcurrentRequestsAndProvisionersMakeOneCluster() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int n = i;
            calls.add(pool.submit((Callable<Object>) () -> {
                start.await();
                service.getOrCreate(TEAM_A, new ClusterRequest("burst", ClusterKind.DEDICATED, null, "{}", null));
                return n % 3 == 0 ? provisioner.runOnce() : null;
            }));
        }
        start.countDown();
        for (Future<?> call : calls) {
            call.get();
        }
        provisioner.runOnce();

        assertThat(provider.created()).containsExactly("burst");
    }

    @Test
    void aClusterThatDiesFailsItsActiveAppsWithItsReason() {
        Cluster cluster = store.managedCluster("etl", ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        provisioner.runOnce();
        provider.report("j-FAKE1", ClusterState.RUNNING, null, "ip-1");
        reconciler.reconcileOnce();
        SparkApp app = running("daily", "etl");
        SparkApp waiting = store.app("later", "etl");

        provider.report(
                "j-FAKE1", ClusterState.TERMINATED_WITH_ERRORS, "The master node was lost (INSTANCE_FAILURE)", "ip-1");
        ClusterReconciler.Result result = reconciler.reconcileOnce();

        assertThat(result.died()).isEqualTo(1);
        assertThat(result.appsFailed()).isEqualTo(2);
        SparkApp failed = store.apps.find(app.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(AppState.FAILED);
        assertThat(failed.stateReason())
                .isEqualTo("cluster 'etl' TERMINATED_WITH_ERRORS: The master node was lost (INSTANCE_FAILURE)");
        assertThat(store.apps.find(waiting.id()).orElseThrow().state()).isEqualTo(AppState.FAILED);
        assertThat(store.clusters.find(cluster.id()).orElseThrow().terminatedAt())
                .isNotNull();
        assertThat(store.clusters.findActive("etl"))
                .as("a dedicated cluster is not re-created")
                .isEmpty();
    }

    @Test
    void aSharedClusterThatDiesIsRecreatedFromItsConfig() {
        service.getOrCreate(Caller.SYSTEM, new ClusterRequest("shared", ClusterKind.SHARED, null, null, null));
        provisioner.runOnce();
        provider.report("j-FAKE1", ClusterState.WAITING, null, "ip-1");
        reconciler.reconcileOnce();
        Cluster first = stored("shared");

        provider.report("j-FAKE1", ClusterState.TERMINATED_WITH_ERRORS, "EC2 capacity", "ip-1");
        reconciler.reconcileOnce();
        Cluster second = stored("shared");
        provisioner.runOnce();

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.config()).isEqualTo(first.config()).contains("SHARED");
        assertThat(provider.created()).containsExactly("shared", "shared");
        assertThat(stored("shared").externalId()).isEqualTo("j-FAKE2");
    }

    @Test
    void aClusterTerminatedOnRequestIsNotRecreatedAndTerminateIsRepeatedUntilItTakes() {
        service.getOrCreate(Caller.SYSTEM, new ClusterRequest("shared", ClusterKind.SHARED, null, null, null));
        provisioner.runOnce();
        provider.report("j-FAKE1", ClusterState.WAITING, null, "ip-1");
        reconciler.reconcileOnce();

        provider.fail(new BackendUnavailableException("emr", "throttled", null));
        service.terminate(Caller.SYSTEM, "shared");
        assertThat(stored("shared").state()).isEqualTo(ClusterState.TERMINATING);
        provider.fail(null);
        reconciler.reconcileOnce();
        assertThat(provider.terminated()).containsExactly("j-FAKE1");

        provider.report("j-FAKE1", ClusterState.TERMINATED, "User request", "ip-1");
        reconciler.reconcileOnce();

        assertThat(store.clusters.findActive("shared")).isEmpty();
    }

    @Test
    void anUnreachableProviderChangesNothing() {
        store.managedCluster("etl", ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        provisioner.runOnce();
        Cluster before = stored("etl");
        provider.fail(new BackendUnavailableException("emr", "connect timed out", null));

        ClusterReconciler.Result result = reconciler.reconcileOnce();

        assertThat(result.backendErrors()).isEqualTo(1);
        assertThat(stored("etl")).isEqualTo(before);
    }

    @Test
    void aFailedCreateIsRetriedAfterABackoffThatDoublesNotAtOnce() {
        store.managedCluster("etl", ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        provider.fail(new BackendUnavailableException("emr", "ThrottlingException: Rate exceeded", null));

        assertThat(provisioner.runOnce()).isEqualTo(1);
        assertThat(provisioner.runOnce()).as("claimed again at once").isZero();
        clock.advance(Duration.ofSeconds(5));
        assertThat(provisioner.runOnce()).as("second attempt after 5 s").isEqualTo(1);
        clock.advance(Duration.ofSeconds(9));
        assertThat(provisioner.runOnce()).as("third attempt waits 10 s").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(provisioner.runOnce()).isEqualTo(1);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(30));
            assertThat(provisioner.runOnce())
                    .as("the backoff stops growing at 30 s")
                    .isEqualTo(1);
        }
        assertThat(stored("etl").stateReason()).contains("Rate exceeded");

        provider.fail(null);
        clock.advance(Duration.ofSeconds(30));
        assertThat(provisioner.runOnce()).isEqualTo(1);
        assertThat(provider.created()).containsExactly("etl");
        assertThat(stored("etl").externalId()).isNotNull();
    }

    @Test
    void oneProviderReadPerCycleWhateverTheNumberOfClusters() {
        for (int i = 0; i < 12; i++) {
            store.managedCluster("c" + i, ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        }
        while (provisioner.runOnce() > 0) {
            // all twelve
        }

        reconciler.reconcileOnce();

        assertThat(provider.created()).hasSize(12);
        assertThat(provider.describeAllCalls()).isEqualTo(1);
    }

    @Test
    void aRegisteredClusterIsForgottenNotStoppedAndItsAppsFail() {
        service.getOrCreate(
                TEAM_A, new ClusterRequest("onprem", ClusterKind.DEDICATED, null, null, "http://livy.internal:8998"));
        SparkApp app = running("job", "onprem");

        service.terminate(TEAM_A, "onprem");
        reconciler.reconcileOnce();

        assertThat(provider.terminated()).isEmpty();
        assertThat(store.apps.find(app.id()).orElseThrow().stateReason())
                .startsWith("cluster 'onprem' TERMINATED: terminated on request of alice");
    }

    @Test
    void aClusterStateReasonIsLoggedMasked() {
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ClusterReconciler.class);
        logger.addAppender(logs);
        try {
            service.getOrCreate(TEAM_A, new ClusterRequest("masked", ClusterKind.DEDICATED, null, "{}", null));
            provisioner.runOnce();
            provider.report(
                    "j-FAKE1",
                    ClusterState.TERMINATED_WITH_ERRORS,
                    "bootstrap failed: cannot read s3://AKIA1:s3cr3t-Val@bucket/boot.sh",
                    null);
            reconciler.reconcileOnce();
        } finally {
            logger.detachAppender(logs);
        }

        assertThat(logs.list)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getFormattedMessage() + e.getKeyValuePairs())
                        .doesNotContain("s3cr3t-Val"));
        assertThat(logs.list)
                .anySatisfy(
                        e -> assertThat(String.valueOf(e.getKeyValuePairs())).contains("AKIA1:******@bucket"));
    }
}
