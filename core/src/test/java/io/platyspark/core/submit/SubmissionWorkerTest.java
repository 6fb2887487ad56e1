package io.platyspark.core.submit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendBusyException;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.backend.TargetPlatform;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.EnvSpec;
import io.platyspark.core.env.Environments;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class SubmissionWorkerTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final FakeSparkBackend backend = new FakeSparkBackend();
    private final SubmissionProperties properties = new SubmissionProperties(
            true,
            1,
            10,
            Duration.ofSeconds(1),
            Duration.ofSeconds(15),
            3,
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofSeconds(15));
    private final SubmissionWorker worker = newWorker();

    private SubmissionWorker newWorker() {
        return new SubmissionWorker(
                store.apps,
                store.clusters,
                new SparkBackends(List.of(backend)),
                properties,
                clock,
                new SimpleMeterRegistry());
    }

    private SparkApp stored(SparkApp app) {
        return store.apps.find(app.id()).orElseThrow();
    }

    @Test
    void pendingAppIsSubmittedWithTheBackendsHandle() {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");

        assertThat(worker.runOnce()).isEqualTo(1);

        SparkApp after = stored(app);
        assertThat(after.state()).isEqualTo(AppState.SUBMITTED);
        assertThat(after.backend()).isEqualTo("fake");
        assertThat(after.backendId()).isEqualTo("run-1");
        assertThat(after.submittedAt()).isEqualTo(clock.instant());
        assertThat(worker.runOnce()).isZero();
    }

    @Test
    void anOutageUsesUpNoAttemptAndIsRetriedWithACappedBackoff() {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");
        backend.onSubmit(a -> {
            throw new BackendUnavailableException("fake", "connection refused", null);
        });

        worker.runOnce();
        SparkApp afterFirst = stored(app);
        assertThat(afterFirst.state()).isEqualTo(AppState.PENDING);
        assertThat(afterFirst.attempts()).as("an outage is not an attempt").isZero();
        assertThat(afterFirst.stateReason()).contains("outage").contains("connection refused");
        clock.advance(Duration.ofSeconds(9));
        assertThat(worker.runOnce()).as("not due before the backoff").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(worker.runOnce()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(19));
        assertThat(worker.runOnce()).as("the backoff doubled").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(worker.runOnce()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            assertThat(worker.runOnce()).as("the backoff is capped at a minute").isEqualTo(1);
        }

        assertThat(stored(app).state()).isEqualTo(AppState.PENDING);
        assertThat(stored(app).attempts()).isZero();
    }

    @Test
    void aThreeMinuteBackendOutageFailsNoApp() {
        store.cluster("etl", ClusterState.WAITING);
        List<SparkApp> apps = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            apps.add(store.app("app-" + i, "etl"));
        }
        java.time.Instant outageEnds = clock.instant().plus(Duration.ofMinutes(3));
        backend.onSubmit(a -> {
            if (clock.instant().isBefore(outageEnds)) {
                throw new BackendUnavailableException("fake", "Livy is down: connection refused", null);
            }
            return new BackendSubmission("run-" + a.id(), null, null, false);
        });

        // Three minutes of outage and one capped backoff after it, a poll every second.
        for (int second = 0; second < 4 * 60 + 5; second++) {
            while (worker.runOnce() > 0) {
                // drain what is due
            }
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(apps).allSatisfy(a -> {
            SparkApp after = stored(a);
            assertThat(after.state()).isEqualTo(AppState.SUBMITTED);
            assertThat(after.attempts()).isZero();
        });
        assertThat(new HashSet<>(backend.submitted())).hasSize(20);
    }

    @Test
    void anUnexpectedErrorCountsAndTheReasonAgreesWithTheCount() {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");
        backend.onSubmit(a -> {
            throw new IllegalStateException("a bug");
        });

        worker.runOnce();
        assertThat(stored(app).attempts()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(10));
        worker.runOnce();
        assertThat(stored(app).attempts()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(20));
        worker.runOnce();

        SparkApp failed = stored(app);
        assertThat(failed.state()).isEqualTo(AppState.FAILED);
        assertThat(failed.stateReason())
                .contains("gave up after 3 submission attempts")
                .contains("a bug");
        assertThat(failed.attempts()).as("the count says what the reason says").isEqualTo(3);
    }

    @Test
    void aDeadWorkersClaimIsTakenOverWithinOneShortLease() throws Exception {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        backend.onSubmit(a -> {
            if (inside.getCount() > 0) {
                inside.countDown();
                await(never); // the first worker's thread stops here for good: its process died
                throw new IllegalStateException("unreachable");
            }
            return new BackendSubmission("run-2", null, null, false);
        });
        SubmissionWorker dead = newWorker();
        Thread deadThread = new Thread(dead::runOnce, "dead-worker");
        deadThread.setDaemon(true);
        deadThread.start();
        assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        SubmissionWorker other = newWorker();

        assertThat(other.runOnce()).as("held while the lease runs").isZero();
        clock.advance(properties.lease().plusSeconds(1)); // nobody renewed it
        other.runOnce();

        assertThat(stored(app).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(stored(app).backendId()).isEqualTo("run-2");
        assertThat(properties.lease()).isLessThanOrEqualTo(Duration.ofSeconds(15));
        never.countDown();
    }

    @Test
    void aLiveSlowWorkerKeepsItsClaimByRenewingIt() throws Exception {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        backend.onSubmit(a -> {
            inside.countDown();
            await(finish); // a slow submission: the worker lives, and renews
            return new BackendSubmission("run-1", null, null, false);
        });
        SubmissionWorker slow = newWorker();
        java.util.concurrent.CompletableFuture<Integer> round =
                java.util.concurrent.CompletableFuture.supplyAsync(slow::runOnce);
        assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        SubmissionWorker other = newWorker();

        for (int i = 0; i < 10; i++) {
            clock.advance(properties.leaseRenewInterval());
            slow.renewLeases();
            assertThat(other.runOnce()).as("never taken from a live worker").isZero();
        }
        finish.countDown();
        assertThat(round.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);

        assertThat(stored(app).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(backend.submitted()).containsExactly(app.id());
    }

    @Test
    void aRoundThatFailsGivesBackTheClaimsItHolds() {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp first = store.app("first", "etl");
        SparkApp second = store.app("second", "etl");
        backend.onSubmit(a -> {
            // The store goes away in the middle of the round.
            throw new org.springframework.dao.DataAccessResourceFailureException("connection refused");
        });

        org.assertj.core.api.Assertions.assertThatThrownBy(worker::runOnce)
                .isInstanceOf(org.springframework.dao.DataAccessException.class);

        backend.onSubmit(a -> new BackendSubmission("run-" + a.name(), null, null, false));
        assertThat(newWorker().runOnce())
                .as("both free at once, no lease to wait for")
                .isEqualTo(2);
        assertThat(stored(first).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(stored(second).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(stored(first).attempts()).as("a store outage is no attempt").isZero();
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void rejectionFailsTheAppAtOnce() {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");
        backend.onSubmit(a -> {
            throw new BackendRejectedException("source /apps/daily.py does not exist");
        });

        worker.runOnce();

        assertThat(stored(app).state()).isEqualTo(AppState.FAILED);
        assertThat(stored(app).stateReason()).isEqualTo("source /apps/daily.py does not exist");
    }

    @Test
    void busyBackendMakesTheAppWaitWithoutUsingAttempts() {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");
        backend.onSubmit(a -> {
            throw new BackendBusyException("fake", "4 apps running");
        });

        for (int i = 0; i < 5; i++) {
            worker.runOnce();
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(stored(app).state()).isEqualTo(AppState.PENDING);
        assertThat(stored(app).attempts()).isZero();
    }

    @Test
    void appWaitsForAClusterThatIsNotReady() {
        Cluster cluster = store.cluster("etl", ClusterState.STARTING);
        SparkApp app = store.app("daily", "etl");

        worker.runOnce();
        assertThat(stored(app).state()).isEqualTo(AppState.WAITING_FOR_CLUSTER);
        assertThat(stored(app).stateReason()).contains("STARTING");
        assertThat(worker.runOnce())
                .as("not claimed again before the cluster poll interval")
                .isZero();
        clock.advance(Duration.ofSeconds(15));
        assertThat(worker.runOnce()).isEqualTo(1);
        assertThat(worker.runOnce())
                .as("still waiting: not claimed again at once")
                .isZero();
        store.clusters.transition(cluster.id(), ClusterState.STARTING, ClusterState.WAITING, null, null, null, null);
        clock.advance(Duration.ofSeconds(15));
        worker.runOnce();

        assertThat(stored(app).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(backend.submitted()).containsExactly(app.id());
    }

    @Test
    void anAppWhoseClusterIsReadyButWhoseBackendIsOutIsPendingAgainNotWaitingForTheCluster() {
        Cluster cluster = store.cluster("etl", ClusterState.STARTING);
        SparkApp app = store.app("daily", "etl");
        worker.runOnce();
        assertThat(stored(app).state()).isEqualTo(AppState.WAITING_FOR_CLUSTER);
        store.clusters.transition(cluster.id(), ClusterState.STARTING, ClusterState.WAITING, null, null, null, null);
        backend.onSubmit(a -> {
            throw new BackendUnavailableException("fake", "Livy is down: connection refused", null);
        });
        clock.advance(Duration.ofSeconds(15));

        assertThat(worker.runOnce()).isEqualTo(1);

        SparkApp waiting = stored(app);
        assertThat(waiting.state()).isEqualTo(AppState.PENDING);
        assertThat(waiting.stateReason()).isEqualTo("waiting out an outage: Livy is down: connection refused");
        assertThat(waiting.attempts()).isZero();
        assertThat(worker.runOnce())
                .as("the outage's backoff holds: nobody claims it before then")
                .isZero();
        backend.onSubmit(a -> new BackendSubmission("run-1", null, null, false));
        clock.advance(Duration.ofSeconds(10));
        assertThat(worker.runOnce()).isEqualTo(1);
        assertThat(stored(app).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(store.apps.events(app.id()))
                .extracting(e -> e.toState())
                .containsExactly(AppState.PENDING, AppState.WAITING_FOR_CLUSTER, AppState.PENDING, AppState.SUBMITTED);
    }

    @Test
    void anAppWhoseEnvironmentIsBuiltButWhoseSubmitFailedIsPendingAgainWithTheAttemptCounted() {
        store.cluster("etl", ClusterState.WAITING);
        MapEnvironments envs = new MapEnvironments();
        SubmissionWorker withEnvs = workerWith(envs);
        SparkApp app = appWithRequirements("with-deps");
        withEnvs.runOnce();
        assertThat(stored(app).state()).isEqualTo(AppState.BUILDING_ENV);
        UUID build = envs.requested.get(0);
        envs.set(build, EnvBuild.State.READY, null);
        backend.onSubmit(a -> {
            throw new io.platyspark.core.backend.BackendFailedException("fake", "HTTP 500 from Livy", null);
        });
        clock.advance(Duration.ofSeconds(5));

        assertThat(withEnvs.runOnce()).isEqualTo(1);

        SparkApp retried = stored(app);
        assertThat(retried.state()).isEqualTo(AppState.PENDING);
        assertThat(retried.stateReason()).startsWith("submit attempt 1 failed: ");
        assertThat(retried.attempts()).isEqualTo(1);
        assertThat(retried.envBuildId()).isEqualTo(build);
        assertThat(withEnvs.runOnce()).as("not due before its backoff").isZero();
    }

    /** Environments over a map of builds: a request gets the live build, or a new QUEUED one when there is none. */
    private final class MapEnvironments implements Environments {

        final Map<UUID, EnvBuild> builds = new java.util.concurrent.ConcurrentHashMap<>();
        final List<UUID> requested = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public EnvSpec spec(List<String> requirements, String pythonVersion, TargetPlatform platform) {
            return new EnvSpec(requirements, "3.12", TargetPlatform.X86_64, null);
        }

        @Override
        public EnvBuild request(EnvSpec spec, String team) {
            EnvBuild live = builds.values().stream()
                    .filter(b -> b.state() != EnvBuild.State.FAILED)
                    .findFirst()
                    .orElse(null);
            if (live != null) {
                return live;
            }
            EnvBuild created = new EnvBuild(
                    UUID.randomUUID(),
                    spec.cacheKey(),
                    team,
                    spec,
                    EnvBuild.State.QUEUED,
                    null,
                    null,
                    null,
                    null,
                    null,
                    clock.instant(),
                    clock.instant());
            builds.put(created.id(), created);
            requested.add(created.id());
            return created;
        }

        @Override
        public Optional<EnvBuild> get(UUID id) {
            return Optional.ofNullable(builds.get(id));
        }

        /** Moves a build on, as its builder would. */
        void set(UUID id, EnvBuild.State state, String error) {
            EnvBuild b = builds.get(id);
            builds.put(
                    id,
                    new EnvBuild(
                            id,
                            b.cacheKey(),
                            b.team(),
                            b.spec(),
                            state,
                            null,
                            null,
                            null,
                            null,
                            error,
                            b.createdAt(),
                            clock.instant()));
        }
    }

    /** A worker that builds environments with {@code envs} (nodes of unknown Python). */
    private SubmissionWorker workerWith(Environments envs) {
        return new SubmissionWorker(
                store.apps,
                store.clusters,
                new SparkBackends(List.of(backend)),
                properties,
                clock,
                new SimpleMeterRegistry(),
                SourceStager.none(),
                envs,
                new io.platyspark.core.env.EnvSparkConf(),
                io.platyspark.core.env.PythonTargets.unknown());
    }

    private SparkApp appWithRequirements(String name) {
        return store.apps
                .create(
                        new NewSparkApp(
                                        name,
                                        "data",
                                        "etl",
                                        null,
                                        "/apps/x.py",
                                        null,
                                        List.of(),
                                        Map.of(),
                                        null,
                                        "req-" + name,
                                        List.of(),
                                        List.of("tabulate==0.9.0"),
                                        null)
                                .onCluster(store.clusters
                                        .findActive("etl")
                                        .orElseThrow()
                                        .id()),
                        "hash-" + name)
                .app();
    }

    @Test
    void appWhoseClusterIsGoneFails() {
        Cluster cluster = store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");
        store.clusters.transition(
                cluster.id(), ClusterState.WAITING, ClusterState.TERMINATED, "idle", null, null, null);

        worker.runOnce();

        assertThat(stored(app).state()).isEqualTo(AppState.FAILED);
        assertThat(backend.submitted()).isEmpty();
    }

    @Test
    void runStartedForAnAppKilledMeanwhileIsStopped() {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");
        backend.onSubmit(a -> {
            store.apps.transition(a.id(), AppState.PENDING, AppTransition.to(AppState.KILLED, "killed on request"));
            return new BackendSubmission("run-9", null, null, false);
        });

        worker.runOnce();

        assertThat(stored(app).state()).isEqualTo(AppState.KILLED);
        assertThat(backend.killed()).containsExactly(app.id());
    }

    @Test
    void runStartedForAnAppFailedMeanwhileIsStopped() {
        store.cluster("etl", ClusterState.WAITING);
        SparkApp app = store.app("daily", "etl");
        backend.onSubmit(a -> {
            // The watchdog fails the app (a timeout, its cluster's death) while the worker is submitting it.
            store.apps.transition(a.id(), AppState.PENDING, AppTransition.to(AppState.FAILED, "pending too long"));
            return new BackendSubmission("run-7", null, null, false);
        });

        worker.runOnce();

        assertThat(stored(app).state()).isEqualTo(AppState.FAILED);
        assertThat(backend.killed()).containsExactly(app.id());
    }

    @Test
    void concurrentWorkersSubmitEachAppOnce() throws Exception {
        store.cluster("etl", ClusterState.WAITING);
        List<SparkApp> apps = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            apps.add(store.app("app-" + i, "etl"));
        }
        List<SubmissionWorker> workers = List.of(newWorker(), newWorker(), newWorker(), newWorker());
        ExecutorService pool = Executors.newFixedThreadPool(workers.size());
        try {
            List<Callable<Integer>> drains = new ArrayList<>();
            for (SubmissionWorker w : workers) {
                drains.add(() -> {
                    int n = 0;
                    int claimed;
                    while ((claimed = w.runOnce()) > 0) {
                        n += claimed;
                    }
                    return n;
                });
            }
            pool.invokeAll(drains);
        } finally {
            pool.shutdownNow();
        }

        assertThat(backend.submitted()).hasSize(30);
        assertThat(new HashSet<>(backend.submitted())).hasSize(30);
        assertThat(apps).allSatisfy(a -> assertThat(stored(a).state()).isEqualTo(AppState.SUBMITTED));
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        assertThat(worker.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(worker.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(worker.backoff(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(worker.backoff(30)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void anAppWhoseEnvironmentBuildWasAbandonedAsksForANewOneInsteadOfFailing() {
        store.cluster("etl", ClusterState.WAITING);
        MapEnvironments envs = new MapEnvironments();
        SubmissionWorker withEnvs = workerWith(envs);
        SparkApp app = appWithRequirements("with-deps");

        withEnvs.runOnce();
        UUID first = envs.requested.get(0);
        assertThat(stored(app).state()).isEqualTo(AppState.BUILDING_ENV);
        assertThat(stored(app).envBuildId()).isEqualTo(first);
        envs.set(first, EnvBuild.State.FAILED, EnvBuild.ABANDONED + " the process building it stopped");
        clock.advance(Duration.ofSeconds(5));
        withEnvs.runOnce();

        assertThat(envs.requested).hasSize(2);
        assertThat(stored(app).state()).isEqualTo(AppState.BUILDING_ENV);
        assertThat(stored(app).envBuildId()).isEqualTo(envs.requested.get(1));
        assertThat(backend.submitted()).isEmpty();
    }
}
