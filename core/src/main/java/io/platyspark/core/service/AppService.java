package io.platyspark.core.service;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.app.AppAlreadyFinishedException;
import io.platyspark.core.app.AppEvent;
import io.platyspark.core.app.AppNotFoundException;
import io.platyspark.core.app.AppPage;
import io.platyspark.core.app.AppQuery;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.IdempotencyKeyReusedException;
import io.platyspark.core.app.LogsGoneException;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.app.TransitionResult;
import io.platyspark.core.app.UnknownClusterException;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.LogArchive;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterRequest;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.security.Caller;
import io.platyspark.core.security.ForbiddenException;
import io.platyspark.core.security.SourcePolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the API does with apps: accept, look up, page logs, kill. Nothing slow happens on the caller's thread. */
public class AppService {

    private static final Logger log = LoggerFactory.getLogger(AppService.class);
    private static final int KILL_RACE_RETRIES = 3;

    private final SparkAppStore apps;
    private final ClusterStore clusters;
    private final ClusterService clusterService;
    private final SparkBackends backends;
    private final SubmitValidation validation;
    private final String yarnQueuePrefix;
    private final Runnable newAppListener;
    private final LogArchive archive;

    public AppService(
            SparkAppStore apps,
            ClusterStore clusters,
            ClusterService clusterService,
            SparkBackends backends,
            SourcePolicy sources,
            String yarnQueuePrefix,
            Runnable newAppListener) {
        this(apps, clusters, clusterService, backends, sources, yarnQueuePrefix, newAppListener, LogArchive.NONE);
    }

    /** @param archive where clusters leave their apps' logs (S3), read once a copy exists and after the cluster */
    public AppService(
            SparkAppStore apps,
            ClusterStore clusters,
            ClusterService clusterService,
            SparkBackends backends,
            SourcePolicy sources,
            String yarnQueuePrefix,
            Runnable newAppListener,
            LogArchive archive) {
        this.archive = archive;
        this.apps = apps;
        this.clusters = clusters;
        this.clusterService = clusterService;
        this.backends = backends;
        this.validation = new SubmitValidation(sources);
        this.yarnQueuePrefix = yarnQueuePrefix;
        this.newAppListener = newAppListener;
    }

    /**
     * Stores the app as {@code PENDING} for the submission worker. With an idempotency key, a repeated request
     * returns the app the first one created.
     *
     * @param clusterConfig a ClusterConfig (JSON) to create the app's cluster from when no active cluster has its
     *                      name (get-or-create: concurrent submits make one cluster); null to require one
     * @throws ForbiddenException when the caller may not act for the app's team or use its cluster
     */
    public SparkAppStore.CreateResult submit(Caller caller, NewSparkApp requested, String clusterConfig) {
        return submit(caller, requested, clusterConfig, result -> {});
    }

    /**
     * As {@link #submit(Caller, NewSparkApp, String)}; {@code inTransaction} runs in the transaction that stores
     * a new app (see {@link SparkAppStore#create(NewSparkApp, String, java.util.function.Consumer)}), never for a
     * replay.
     */
    public SparkAppStore.CreateResult submit(
            Caller caller,
            NewSparkApp requested,
            String clusterConfig,
            java.util.function.Consumer<SparkAppStore.CreateResult> inTransaction) {
        if (!caller.mayAccess(requested.team())) {
            throw new ForbiddenException(
                    "team",
                    "you act for team '" + caller.team() + "' and cannot submit apps " + "for team '" + requested.team()
                            + "'");
        }
        NewSparkApp canonical = validation.validate(caller, requested);
        // A replay is answered from the store before anything else is looked up or created: its cluster may have
        // ended since, and a cluster config in it must not provision a second cluster.
        String hash = fingerprint(requested, clusterConfig);
        Optional<SparkAppStore.CreateResult> replayed =
                apps.findByIdempotencyKey(requested.team(), requested.idempotencyKey());
        if (replayed.isPresent()) {
            String stored = replayed.get().storedRequestHash();
            // Apps stored before the fingerprint covered clusterConfig were hashed without it, and with their
            // team's queue on a shared cluster: still the same request.
            boolean sameAsBefore = stored.equals(fingerprint(inTeamQueue(requested), null))
                    || clusterConfig != null && stored.equals(fingerprint(requested, null));
            if (!hash.equals(stored) && !sameAsBefore) {
                throw new IdempotencyKeyReusedException(
                        requested.idempotencyKey(), replayed.get().app().id());
            }
            return replayed.get();
        }
        Cluster cluster = clusters.findActiveRecent(requested.clusterName())
                .filter(c -> c.team() == null || caller.mayAccess(c.team()))
                .orElseGet(() -> {
                    if (clusterConfig == null) {
                        throw new UnknownClusterException(requested.clusterName());
                    }
                    try {
                        return clusterService
                                .getOrCreate(
                                        caller,
                                        new ClusterRequest(
                                                requested.clusterName(),
                                                ClusterKind.DEDICATED,
                                                requested.team(),
                                                clusterConfig,
                                                null))
                                .cluster();
                    } catch (InvalidFieldException e) {
                        // The cluster API calls it "config"; in a submit it is "clusterConfig".
                        String field = e.field() != null && e.field().startsWith("config")
                                ? "clusterConfig" + e.field().substring("config".length())
                                : e.field();
                        throw new InvalidFieldException(field, e.getMessage());
                    }
                });
        NewSparkApp onCluster = canonical.onCluster(cluster.id());
        NewSparkApp app = cluster.kind() == ClusterKind.SHARED ? inTeamQueue(onCluster) : onCluster;
        SparkAppStore.CreateResult result = apps.create(app, hash, inTransaction);
        if (!result.created() && !hash.equals(result.storedRequestHash())) {
            throw new IdempotencyKeyReusedException(
                    app.idempotencyKey(), result.app().id());
        }
        if (result.created()) {
            log.atInfo()
                    .addKeyValue("appId", result.app().id())
                    .addKeyValue("team", app.team())
                    .addKeyValue("cluster", app.clusterName())
                    .log("app accepted");
            newAppListener.run();
        }
        return result;
    }

    /** On a shared cluster every app runs in its team's YARN queue, whatever the request said. */
    private NewSparkApp inTeamQueue(NewSparkApp app) {
        Map<String, String> conf = new TreeMap<>(app.sparkConf());
        conf.put("spark.yarn.queue", yarnQueuePrefix + app.team());
        return app.withSparkConf(conf);
    }

    /** The app, if the caller may see it; another team's app is "not found" so its existence does not leak. */
    public SparkApp get(Caller caller, UUID id) {
        return apps.find(id)
                .filter(app -> caller.mayAccess(app.team()))
                .orElseThrow(() -> new AppNotFoundException(id));
    }

    /** Lists within the caller's team unless the caller is an admin; another team's listing is refused. */
    public AppPage list(Caller caller, AppQuery query) {
        AppQuery scoped = query;
        if (!caller.admin()) {
            if (query.team() != null && !query.team().equals(caller.team())) {
                throw new ForbiddenException(
                        "team",
                        "you act for team '" + caller.team() + "' and cannot list " + "team '" + query.team() + "'");
            }
            scoped = new AppQuery(query.clusterName(), caller.team(), query.states(), query.cursor(), query.limit());
        }
        return apps.list(scoped);
    }

    public List<AppEvent> events(Caller caller, UUID id) {
        get(caller, id);
        return apps.events(id);
    }

    /**
     * A page of the app's output; empty until the backend has it. An ended app's lines come from the durable copy
     * its cluster left ({@link LogArchive}) once one exists, else from its backend while its cluster lives; the
     * page's {@code source} says which.
     *
     * @throws LogsGoneException when the cluster has ended and left no copy
     */
    public LogPage logs(Caller caller, UUID id, int from, int size) {
        SparkApp app = get(caller, id);
        if (app.backendId() == null) {
            return LogPage.empty(Math.max(from, 0));
        }
        // The app's own cluster: one re-created under the same name (a shared cluster after its death) never had them.
        Optional<Cluster> live = clusters.findActive(app.clusterName())
                .filter(c -> app.clusterId() == null || c.id().equals(app.clusterId()));
        Optional<Cluster> recorded =
                live.or(() -> Optional.ofNullable(app.clusterId()).flatMap(clusters::find));
        if (recorded.isPresent() && (app.state().isTerminal() || live.isEmpty())) {
            // Complete once the cluster copied it, unlike a backend's buffer (Livy keeps the last 200 lines).
            Optional<LogPage> archived = archive.page(recorded.get(), app, from, size);
            if (archived.isPresent()) {
                return archived.get();
            }
        }
        if (live.isEmpty()) {
            String state = recorded.map(c -> c.state() + (c.stateReason() == null ? "" : ": " + c.stateReason()))
                    .orElse("gone");
            throw new LogsGoneException(
                    app, state, recorded.flatMap(c -> archive.location(c, app)).orElse(null));
        }
        Cluster cluster = live.get();
        SparkBackend backend = backends.forCluster(cluster);
        return backend.logs(cluster, app, from, size).withSource(backend.name());
    }

    /**
     * Stops the app wherever it is. An app not yet on its backend is marked {@code KILLED} at once (the worker
     * sees that and stops a run it may have just started); one on its backend is stopped there first.
     *
     * @throws AppAlreadyFinishedException when the app had already ended
     */
    public SparkApp kill(Caller caller, UUID id) {
        SparkApp app = get(caller, id);
        for (int i = 0; i < KILL_RACE_RETRIES; i++) {
            if (app.state().isTerminal()) {
                throw new AppAlreadyFinishedException(app);
            }
            if (app.state().isOnBackend()) {
                Cluster cluster = clusterOf(app);
                SparkBackend backend = backends.forCluster(cluster);
                backend.kill(cluster, app);
            }
            TransitionResult result =
                    apps.transition(app.id(), app.state(), AppTransition.to(AppState.KILLED, "killed on request"));
            if (result.applied()) {
                return result.current();
            }
            app = result.current();
        }
        throw new IllegalStateException("app " + id + " kept changing state while being killed; try again");
    }

    private Cluster clusterOf(SparkApp app) {
        return clusters.findActive(app.clusterName())
                .orElseThrow(() -> new BackendUnavailableException(
                        "cluster",
                        "cluster '" + app.clusterName() + "' of app " + app.id() + " is no longer active",
                        null));
    }

    /**
     * A hash of the request as sent (before the platform adds anything, such as a team's queue): stable across
     * retries of the same request, different for any change a caller could make.
     */
    static String fingerprint(NewSparkApp app, String clusterConfig) {
        StringBuilder canonical = new StringBuilder();
        if (clusterConfig != null) {
            // Only when present, so requests without one hash as they always have.
            canonical.append("clusterConfig:").append(clusterConfig).append('\n');
        }
        canonical
                .append(app.name())
                .append('\n')
                .append(app.team())
                .append('\n')
                .append(app.clusterName())
                .append('\n')
                .append(app.source())
                .append('\n')
                .append(app.mainClass())
                .append('\n');
        app.args()
                .forEach(arg ->
                        canonical.append(arg.length()).append(':').append(arg).append('\n'));
        Map<String, String> sorted = new TreeMap<>(app.sparkConf());
        sorted.forEach((k, v) -> canonical
                .append(k.length())
                .append(':')
                .append(k)
                .append('=')
                .append(v.length())
                .append(':')
                .append(v)
                .append('\n'));
        canonical.append("pyFiles\n");
        app.pyFiles()
                .forEach(f -> canonical.append(f.length()).append(':').append(f).append('\n'));
        canonical.append("requirements\n");
        app.requirements()
                .forEach(r -> canonical.append(r.length()).append(':').append(r).append('\n'));
        canonical.append(app.pythonVersion()).append('\n');
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
