package io.platyspark.core.submit;

import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.core.SecretRedactor;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.app.TransitionResult;
import io.platyspark.core.backend.BackendBusyException;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.EnvBuildException;
import io.platyspark.core.env.EnvSparkConf;
import io.platyspark.core.env.EnvSpec;
import io.platyspark.core.env.Environments;
import io.platyspark.core.env.PythonTargets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;

/**
 * Moves stored apps to their backend. Apps are leased from the store with {@code FOR UPDATE SKIP LOCKED}, so any
 * number of server replicas share the queue; a crash between the backend's accept and the store's write is safe
 * because backends adopt an earlier run of the same app instead of starting a second one.
 */
public class SubmissionWorker {

    private static final Logger log = LoggerFactory.getLogger(SubmissionWorker.class);

    private final SparkAppStore apps;
    private final ClusterStore clusters;
    private final SparkBackends backends;
    private final SubmissionProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final String owner = "worker-" + UUID.randomUUID();
    private final java.util.Set<UUID> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final SourceStager stager;
    private final Environments envs;
    private final EnvSparkConf envConf;
    private final PythonTargets targets;
    private final java.util.Map<String, java.util.concurrent.Semaphore> perCluster =
            new java.util.concurrent.ConcurrentHashMap<>();
    private java.util.concurrent.ExecutorService pool;

    /** A worker that ships no sources and builds no Python environments (the backends read sources as given). */
    public SubmissionWorker(
            SparkAppStore apps,
            ClusterStore clusters,
            SparkBackends backends,
            SubmissionProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this(
                apps,
                clusters,
                backends,
                properties,
                clock,
                meters,
                SourceStager.none(),
                Environments.none(),
                new EnvSparkConf(),
                PythonTargets.unknown());
    }

    /**
     * Every collaborator is required: a part a server does without is an explicit no-op ({@link SourceStager#none},
     * {@link Environments#none}, {@link PythonTargets#unknown}), never null.
     *
     * @param stager  ships local sources to where remote clusters read them
     * @param envs    builds the Python environments of apps with requirements
     * @param envConf the Spark conf that ships a built environment
     * @param targets what each cluster's nodes run, for the environment to be built for
     */
    public SubmissionWorker(
            SparkAppStore apps,
            ClusterStore clusters,
            SparkBackends backends,
            SubmissionProperties properties,
            Clock clock,
            MeterRegistry meters,
            SourceStager stager,
            Environments envs,
            EnvSparkConf envConf,
            PythonTargets targets) {
        this.apps = Objects.requireNonNull(apps, "apps");
        this.clusters = Objects.requireNonNull(clusters, "clusters");
        this.backends = Objects.requireNonNull(backends, "backends");
        this.properties = Objects.requireNonNull(properties, "properties");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.stager = Objects.requireNonNull(stager, "stager");
        this.envs = Objects.requireNonNull(envs, "envs");
        this.envConf = Objects.requireNonNull(envConf, "envConf");
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    /**
     * Claims one batch of due apps (round-robin across teams) and handles them, up to {@code concurrency} at once
     * and {@code perClusterConcurrency} at once per cluster; returns how many it claimed. When the round fails
     * part-way (the store went away), the claims it still holds are given back at once, so they wait for nobody's
     * lease.
     */
    public int runOnce() {
        List<SparkApp> claimed = apps.claimForSubmission(owner, properties.lease(), properties.batchSize());
        List<UUID> ids = claimed.stream().map(SparkApp::id).toList();
        held.addAll(ids);
        java.util.Set<UUID> done = java.util.concurrent.ConcurrentHashMap.newKeySet();
        // Each cluster of the round is looked up once, for all its apps (a round takes up to a batch of them).
        Map<String, Optional<Cluster>> clustersOfRound = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            if (properties.concurrency() <= 1 || claimed.size() <= 1) {
                for (SparkApp app : claimed) {
                    handleOne(app, clustersOfRound, slots(app.clusterName()));
                    held.remove(app.id());
                    done.add(app.id());
                }
            } else {
                handleInParallel(claimed, done, clustersOfRound);
            }
        } catch (RuntimeException e) {
            List<UUID> left = ids.stream().filter(id -> !done.contains(id)).toList();
            try {
                apps.releaseClaims(owner, left);
            } catch (RuntimeException again) {
                // The store is still out: the claims run out with their short lease (renewal stops below).
                log.debug("could not give back {} claims: {}", left.size(), again.toString());
            }
            throw e;
        } finally {
            held.removeAll(ids);
        }
        return claimed.size();
    }

    /**
     * One submission waits on its backend for a few milliseconds to seconds: handled one after another, a round's
     * apps drain far slower than the API accepts them. Each cluster gets at most {@code perClusterConcurrency}
     * submissions at once, so a batch never has more creations in flight at one Livy than it refuses; a slot is
     * held for the backend's call only, not while the app's record waits for the store, so a cluster's lanes
     * beyond its slots (up to twice as many, within {@code concurrency}) record while others submit.
     */
    private void handleInParallel(
            List<SparkApp> claimed, java.util.Set<UUID> done, Map<String, Optional<Cluster>> clustersOfRound) {
        java.util.concurrent.ExecutorService pool = pool();
        List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
        java.util.Map<String, java.util.Queue<SparkApp>> byCluster = new java.util.LinkedHashMap<>();
        for (SparkApp app : claimed) {
            byCluster
                    .computeIfAbsent(app.clusterName(), c -> new java.util.concurrent.ConcurrentLinkedQueue<>())
                    .add(app);
        }
        // Each cluster's apps are worked off by lanes of their own, the round's clusters sharing the pool's threads
        // equally, so one cluster's apps never take every thread while another's wait. A cluster alone gets up to
        // twice its slots in lanes: while some call its backend, others record. The semaphore holds the per-cluster
        // bound on the backend's calls across the rounds of several claim loops.
        int share = Math.max(1, properties.concurrency() / byCluster.size());
        byCluster.forEach((cluster, queue) -> {
            java.util.concurrent.Semaphore slots = slots(cluster);
            int lanes = Math.min(Math.min(share, 2 * properties.perClusterConcurrency()), queue.size());
            for (int i = 0; i < lanes; i++) {
                running.add(pool.submit(() -> {
                    for (SparkApp app = queue.poll(); app != null; app = queue.poll()) {
                        handleOne(app, clustersOfRound, slots);
                        held.remove(app.id());
                        done.add(app.id());
                    }
                    return null;
                }));
            }
        });
        RuntimeException first = null;
        for (java.util.concurrent.Future<?> future : running) {
            try {
                future.get();
            } catch (java.util.concurrent.ExecutionException e) {
                RuntimeException cause =
                        e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                if (first == null) {
                    first = cause;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while submitting a batch", e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The cluster's submission slots, shared by every round of this worker. */
    private java.util.concurrent.Semaphore slots(String cluster) {
        return perCluster.computeIfAbsent(
                cluster, name -> new java.util.concurrent.Semaphore(properties.perClusterConcurrency()));
    }

    private synchronized java.util.concurrent.ExecutorService pool() {
        if (pool == null) {
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            pool = java.util.concurrent.Executors.newFixedThreadPool(properties.concurrency(), r -> {
                Thread t = new Thread(r, "submit-" + n.incrementAndGet());
                t.setDaemon(true); // nothing half-done is lost: a claim unfinished at exit is taken over
                return t;
            });
        }
        return pool;
    }

    /** The name this worker's claims carry in the store ({@code lease_owner}). */
    public String owner() {
        return owner;
    }

    /**
     * Extends the lease of every app this worker is handling or has claimed and not yet handled. Runs every
     * {@link SubmissionProperties#leaseRenewInterval()} while the worker lives: a live worker's apps are never
     * taken over, however slow a submission is, and a dead worker's are free within one short lease.
     */
    public void renewLeases() {
        if (!held.isEmpty()) {
            apps.renewLeases(owner, List.copyOf(held), properties.lease());
        }
    }

    private void handleOne(
            SparkApp app, Map<String, Optional<Cluster>> clustersOfRound, java.util.concurrent.Semaphore slots) {
        MDC.put("appId", app.id().toString());
        if (app.requestId() != null) {
            MDC.put("requestId", app.requestId());
        }
        Ready ready = null;
        try {
            ready = prepare(app, clustersOfRound);
            if (ready != null) {
                submitAndRecord(app, ready, slots);
            }
        } catch (DataAccessException e) {
            // The store is out: nothing is known about the app, so nothing is counted against it.
            throw e;
        } catch (io.platyspark.core.backend.BackendFailedException e) {
            retryLater(app, e.getMessage(), ready != null); // the backend answered: an attempt
        } catch (BackendUnavailableException | io.platyspark.core.artifact.ArtifactStoreException e) {
            waitOutOutage(app, e.getMessage(), ready != null);
        } catch (RuntimeException e) {
            log.error("submission of app {} failed unexpectedly; it will be retried", app.id(), e);
            retryLater(app, "unexpected error: " + e.getMessage(), ready != null);
        } finally {
            MDC.remove("appId");
            MDC.remove("requestId");
        }
    }

    /** What an app needs before it goes to its backend: its cluster ready, its environment (if any) built. */
    private record Ready(Cluster cluster, EnvBuild env) {}

    /**
     * The first steps of one app's submission: its cluster and its environment. Null when the app waits for one of
     * them (or failed); an exception leaves it waiting where it was.
     */
    private Ready prepare(SparkApp app, Map<String, Optional<Cluster>> clustersOfRound) {
        Optional<Cluster> found = ensureCluster(app, clustersOfRound);
        if (found.isEmpty()) {
            return null;
        }
        Cluster cluster = found.get();
        EnvBuild env = null;
        if (app.needsEnvironment()) {
            // The environment builds while the cluster starts: neither waits for the other.
            Optional<EnvBuild> ready = ensureEnvironment(app, cluster);
            if (ready.isEmpty()) {
                return null;
            }
            env = ready.get();
        }
        if (!cluster.state().isReady()) {
            waitForCluster(app, cluster);
            return null;
        }
        return new Ready(cluster, env);
    }

    /** The last steps: the submit, and the record of it. */
    private void submitAndRecord(SparkApp app, Ready ready, java.util.concurrent.Semaphore slots) {
        Optional<Submitted> submitted;
        slots.acquireUninterruptibly();
        try {
            submitted = submit(app, ready.cluster(), ready.env());
        } finally {
            slots.release();
        }
        submitted.ifPresent(s -> record(app, ready.cluster(), s));
    }

    /** The app's cluster while it is active; otherwise the app fails, naming how its cluster ended. */
    private Optional<Cluster> ensureCluster(SparkApp app, Map<String, Optional<Cluster>> clustersOfRound) {
        Optional<Cluster> found = clustersOfRound.computeIfAbsent(app.clusterName(), clusters::findActive);
        if (found.isPresent() && !found.get().state().isEnding()) {
            return found;
        }
        Optional<Cluster> ended =
                found.isPresent() ? found : Optional.ofNullable(app.clusterId()).flatMap(clusters::find);
        fail(
                app,
                "cluster '" + app.clusterName() + "' "
                        + ended.map(c -> c.state() + (c.stateReason() == null ? "" : ": " + c.stateReason()))
                                .orElse("is gone")
                        + " (before the app was submitted)");
        return Optional.empty();
    }

    /** What the backend accepted, and the run (sources staged, environment shipped) it was given. */
    private record Submitted(SparkBackend backend, SparkApp run, BackendSubmission submission) {}

    /** Hands the app to its cluster's backend; empty when it waits for room or was refused (and failed). */
    private Optional<Submitted> submit(SparkApp app, Cluster cluster, EnvBuild env) {
        try {
            SparkBackend backend = backends.forCluster(cluster);
            SparkApp run = stager.stage(app, cluster);
            if (env != null) {
                run = run.withRunConf(envConf.forRun(env, cluster));
            }
            return Optional.of(new Submitted(backend, run, backend.submit(cluster, run)));
        } catch (BackendBusyException e) {
            waitForRoom(app, e.getMessage());
        } catch (BackendRejectedException e) {
            fail(app, e.getMessage());
        }
        return Optional.empty();
    }

    /** Records the app SUBMITTED; when it ended meanwhile, compensates by stopping the run. */
    private void record(SparkApp app, Cluster cluster, Submitted submitted) {
        SparkBackend backend = submitted.backend();
        BackendSubmission submission = submitted.submission();
        TransitionResult result = apps.transition(
                app.id(),
                app.state(),
                AppTransition.to(
                                AppState.SUBMITTED,
                                submission.adopted() ? "adopted the run an earlier attempt started" : null)
                        .withBackend(backend.name(), submission.backendId())
                        .withBackendAppId(submission.backendAppId())
                        .withLinks(submission.links())
                        // What the backend read: the stored source says where the code came from, not the
                        // uploaded copy a remote cluster ran (the place to look when a run surprises).
                        .withResolvedSources(
                                submitted.run().source(), submitted.run().pyFiles()));
        if (result.applied()) {
            count(backend.name(), submission.adopted() ? "adopted" : "submitted");
            return;
        }
        AppState now = result.current().state();
        if (now.isTerminal()) {
            compensate(app, cluster, backend, submission, now);
        }
    }

    /**
     * The app ended while it was being submitted (killed on request, failed by the watchdog's timeouts or its
     * cluster's death): the run must not go on untracked, so it is stopped.
     */
    private void compensate(
            SparkApp app, Cluster cluster, SparkBackend backend, BackendSubmission submission, AppState now) {
        log.info("app {} became {} during its submission; stopping the run {}", app.id(), now, submission.backendId());
        try {
            backend.kill(cluster, app.withBackend(backend.name(), submission.backendId()));
        } catch (RuntimeException e) {
            log.warn(
                    "could not stop run {} of app {}, which is {}: {}; stop it at {} by hand",
                    submission.backendId(),
                    app.id(),
                    now,
                    SecretRedactor.redactText(e.getMessage(), app.sparkConf()),
                    backend.name());
        }
    }

    /**
     * The app's environment when it is READY; otherwise the app waits in BUILDING_ENV (or fails with the build's
     * reason) and this returns empty.
     */
    private Optional<EnvBuild> ensureEnvironment(SparkApp app, Cluster cluster) {
        if (!envs.builds()) {
            fail(app, "the app has requirements but this server builds no Python environments (platy.env.enabled)");
            return Optional.empty();
        }
        EnvBuild build;
        try {
            build = app.envBuildId() == null ? null : envs.get(app.envBuildId()).orElse(null);
            if (app.envBuildId() == null || build != null && build.abandoned()) {
                // No build yet, or the process building it stopped: ask again (a new build, or the live one),
                // for what the cluster's nodes run.
                Optional<PythonTarget> target = targets.of(cluster);
                if (target.isEmpty() && !cluster.state().isReady()) {
                    waitForCluster(app, cluster); // its provider learns the nodes' Python once it runs
                    return Optional.empty();
                }
                if (target.isPresent()
                        && app.pythonVersion() != null
                        && !app.pythonVersion().equals(target.get().pythonVersion())) {
                    fail(
                            app,
                            "it asks for Python " + app.pythonVersion() + " but the nodes of cluster '"
                                    + cluster.name() + "' run Python "
                                    + target.get().pythonVersion() + " ("
                                    + target.get().interpreter() + "); leave pythonVersion out or use a cluster whose "
                                    + "nodes run " + app.pythonVersion());
                    return Optional.empty();
                }
                EnvSpec spec = target.isPresent()
                        ? envs.spec(app.requirements(), target.get())
                        : envs.spec(app.requirements(), app.pythonVersion(), null);
                build = envs.request(spec, app.team());
            }
        } catch (EnvBuildException | BackendRejectedException e) {
            fail(app, "its Python environment cannot be built: " + e.getMessage());
            return Optional.empty();
        }
        if (build == null) {
            fail(app, "its Python environment build " + app.envBuildId() + " is gone");
            return Optional.empty();
        }
        if (build.state() == EnvBuild.State.READY) {
            if (!build.id().equals(app.envBuildId())) {
                // Ready at once (built before, or cached): still record which environment the app runs with.
                apps.transition(
                        app.id(),
                        app.state(),
                        AppTransition.to(app.state(), null).withEnvBuild(build.id()));
            }
            return Optional.of(build);
        }
        if (build.state() == EnvBuild.State.FAILED) {
            fail(app, "its Python environment failed to build: " + build.error());
            return Optional.empty();
        }
        String reason = "building its Python environment " + build.id() + " (" + build.state() + ")";
        Instant next = clock.instant().plus(properties.pollInterval());
        boolean stateChanges = app.state() != AppState.BUILDING_ENV;
        if (stateChanges || !build.id().equals(app.envBuildId())) {
            // A state change frees the lease, so the transition carries when to look again.
            TransitionResult moved = apps.transition(
                    app.id(),
                    app.state(),
                    AppTransition.to(AppState.BUILDING_ENV, reason)
                            .withEnvBuild(build.id())
                            .withNextAttemptAt(next));
            if (stateChanges || !moved.applied()) {
                return Optional.empty();
            }
        }
        apps.release(app.id(), owner, next, reason, false);
        return Optional.empty();
    }

    private void waitForCluster(SparkApp app, Cluster cluster) {
        String reason = "waiting for cluster '" + cluster.name() + "' (" + cluster.state() + ")";
        Instant next = clock.instant().plus(properties.clusterPollInterval());
        if (app.state() != AppState.WAITING_FOR_CLUSTER) {
            // The transition frees the lease, so it carries when to look again.
            apps.transition(
                    app.id(),
                    app.state(),
                    AppTransition.to(AppState.WAITING_FOR_CLUSTER, reason).withNextAttemptAt(next));
            return;
        }
        apps.release(app.id(), owner, next, reason, false);
    }

    /**
     * Something the submission needs could not be reached (the backend, the artifact store, the app-builder): an
     * outage says nothing about the app, so it uses up no attempt. The app is tried again after a backoff that
     * doubles up to {@code maxBackoff}; the watchdog's pending timeout bounds how long it may wait in all.
     */
    private void waitOutOutage(SparkApp app, String why, boolean ready) {
        log.warn(
                "app {} not submitted, waiting out an outage: {}",
                app.id(),
                SecretRedactor.redactText(why, app.sparkConf()));
        String reason = "waiting out an outage: " + why;
        boolean over = waitIsOver(app, ready);
        apps.releaseAfterOutage(
                app.id(), owner, over ? null : reason, properties.initialBackoff(), properties.maxBackoff());
        if (over) {
            pendingAgain(app, reason);
        }
        count("any", "outage");
    }

    /**
     * Whether the app waited for its cluster or its environment and has them now ({@code ready}): whatever keeps it
     * from its backend, its state must no longer name a wait that is over.
     */
    private static boolean waitIsOver(SparkApp app, boolean ready) {
        return ready && (app.state() == AppState.WAITING_FOR_CLUSTER || app.state() == AppState.BUILDING_ENV);
    }

    /**
     * Moves an app whose wait is over back to PENDING with the reason it still waits. Called once the app is
     * released with its next attempt (and without the reason, which would be an event of its own), which the
     * transition keeps: no other worker claims the app before then.
     */
    private void pendingAgain(SparkApp app, String reason) {
        apps.transition(app.id(), app.state(), AppTransition.to(AppState.PENDING, reason));
    }

    /** The backend has no room now; the app's cluster and environment are ready (it reached the submit). */
    private void waitForRoom(SparkApp app, String why) {
        boolean over = waitIsOver(app, true);
        apps.release(app.id(), owner, clock.instant().plus(properties.clusterPollInterval()), over ? null : why, false);
        if (over) {
            pendingAgain(app, why);
        }
        count("any", "busy");
    }

    /** A failure that is not an outage (an error answered by the backend, or one of ours): it counts. */
    private void retryLater(SparkApp app, String why, boolean ready) {
        int attempt = app.attempts() + 1;
        Instant next = clock.instant().plus(backoff(attempt));
        // The attempt is recorded before the app may fail, so its count and the reason's number agree.
        String reason = "submit attempt " + attempt + " failed: " + why;
        boolean over = waitIsOver(app, ready);
        apps.release(app.id(), owner, next, over ? null : reason, true);
        if (attempt >= properties.maxAttempts()) {
            fail(app, "gave up after " + attempt + " submission attempts; last: " + why);
            return;
        }
        if (over) {
            pendingAgain(app, reason);
        }
        log.warn(
                "app {} not submitted (attempt {}): {}; next try at {}",
                app.id(),
                attempt,
                SecretRedactor.redactText(why, app.sparkConf()),
                next);
        count("any", "retry");
    }

    Duration backoff(int attempt) {
        long factor = 1L << Math.min(attempt - 1, 20);
        Duration wait = properties.initialBackoff().multipliedBy(factor);
        return wait.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : wait;
    }

    private void fail(SparkApp app, String reason) {
        TransitionResult result = apps.transition(app.id(), app.state(), AppTransition.to(AppState.FAILED, reason));
        if (result.applied()) {
            count("any", "failed");
        }
    }

    private void count(String backend, String outcome) {
        meters.counter("platy.submission.attempts", "backend", backend, "outcome", outcome)
                .increment();
    }
}
