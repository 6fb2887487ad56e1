package io.platyspark.backend.livy;

import io.platyspark.core.app.AppLinks;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.LogsGoneException;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.BackendBusyException;
import io.platyspark.core.backend.BackendFailedException;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.LogLine;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.LogStream;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.backend.StatusReader;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.livy.Batch;
import io.platyspark.livy.BatchLog;
import io.platyspark.livy.BatchPage;
import io.platyspark.livy.CreateBatchRequest;
import io.platyspark.livy.LivyClient;
import io.platyspark.livy.LivyClientException;
import io.platyspark.livy.LivyException;
import io.platyspark.livy.LivyNotFoundException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs apps as Livy batches. The batch {@code name} carries the app's id, which makes three things safe that Livy's
 * numeric ids do not: a resubmission after a crash adopts the batch an earlier attempt created (a Spark job never
 * runs twice for one app), a Livy restart that reuses ids never mixes apps up, and a cluster's states are read with
 * one paged list per cycle rather than one call per app.
 */
public class LivySparkBackend implements SparkBackend {

    public static final String NAME = "livy";
    private static final Logger log = LoggerFactory.getLogger(LivySparkBackend.class);
    /** Livy keeps at most livy.cache-log.size (200 by default) lines; one read takes them all. */
    private static final int WHOLE_LOG = 10_000;
    /** The largest list page a tracking cycle asks for (about 2 KB a batch, with its 10 inline log lines). */
    private static final int MAX_TRACKING_PAGE = 2_000;

    private final LivyProperties properties;
    private final OkHttpClient http;
    private final YarnApps yarn;
    private final Map<String, LivyClient> clients = new ConcurrentHashMap<>();
    /** Each Livy's batch count at the last cycle: where the next cycle's first page starts. */
    private final Map<String, Integer> lastTotals = new ConcurrentHashMap<>();

    public LivySparkBackend(LivyProperties properties, OkHttpClient http) {
        this.properties = properties;
        this.http = http;
        this.yarn = new YarnApps(http, properties.yarnRmPort());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.kind() != ClusterKind.LOCAL && cluster.livyUrl() != null;
    }

    @Override
    public BackendSubmission submit(Cluster cluster, SparkApp app) {
        LivyClient livy = client(cluster);
        String name = app.backendName();
        try {
            // Created straight away: Livy (0.7 on) refuses a second batch under a name it holds, so an earlier
            // attempt's batch (a crash or a lost answer after Livy took it) comes back as a duplicate and is
            // adopted below. Looking the name up first would cost every submit a call to find it once in a while.
            return submission(livy.createBatch(request(app)), false);
        } catch (LivyClientException e) {
            if (e.isRetryable()) {
                throw new BackendBusyException(
                        NAME, "Livy on cluster '" + cluster.name() + "' is busy: " + e.getMessage());
            }
            if (e.status() == 401 || e.status() == 403 || e.status() == 407) {
                // Authentication (a directory outage, a proxy): about the platform's access, not the app.
                throw new BackendUnavailableException(
                        NAME,
                        "Livy on cluster '" + cluster.name() + "' refused the platform's credentials (" + e.status()
                                + "); will retry",
                        e);
            }
            String message = e.livyMessage() != null ? e.livyMessage() : e.bodySnippet();
            if (message.contains("Duplicate session name")) {
                // An earlier attempt or a concurrent create got there first: adopt it, never create twice.
                Optional<Batch> earlier = findQuietly(livy, name);
                if (earlier.isPresent()) {
                    log.info(
                            "adopting Livy batch {} ({}) that an earlier attempt for app {} created",
                            earlier.get().id(),
                            name,
                            app.id());
                    return submission(earlier.get(), true);
                }
            }
            // Rejected during start-up: Livy keeps a batch under our name in "starting" for ever. Remove it, so a
            // later resubmission of this app is not adopted into a batch that will never run.
            findQuietly(livy, name).ifPresent(stuck -> deleteQuietly(livy, stuck.id()));
            throw new BackendRejectedException("Livy refused the app: " + message, e);
        } catch (io.platyspark.livy.LivyServerException e) {
            if (e.status() == 502 || e.status() == 503 || e.status() == 504) {
                // A proxy in front of a Livy that is not there, or Livy saying it is unavailable: an outage.
                throw unavailable(cluster, "submit", e);
            }
            // Livy answered with an error of its own: an attempt. Unknown whether it took the batch, so the next
            // attempt looks the name up first.
            throw new BackendFailedException(
                    NAME,
                    "cannot submit on Livy of cluster '" + cluster.name() + "' (" + cluster.livyUrl() + "): "
                            + e.getMessage(),
                    e);
        } catch (LivyException e) {
            // Transport failures: unknown whether Livy took it; the next attempt looks the name up first.
            throw unavailable(cluster, "submit", e);
        }
    }

    private static CreateBatchRequest request(SparkApp app) {
        CreateBatchRequest.Builder request = CreateBatchRequest.builder()
                .file(app.source())
                .name(app.backendName())
                .args(app.args())
                .conf(app.sparkConf());
        if (app.mainClass() != null) {
            request.className(app.mainClass());
        }
        if (!app.pyFiles().isEmpty()) {
            request.pyFiles(app.pyFiles());
        }
        String queue = app.sparkConf().get("spark.yarn.queue");
        if (queue != null) {
            request.queue(queue);
        }
        return request.build();
    }

    private static BackendSubmission submission(Batch batch, boolean adopted) {
        return new BackendSubmission(String.valueOf(batch.id()), batch.appId(), links(batch), adopted);
    }

    @Override
    public Map<UUID, BackendAppStatus> status(Cluster cluster, Collection<SparkApp> apps) {
        return statusReader(cluster).status(apps);
    }

    /**
     * One walk over the cluster's batches for all the pages of a cycle: a page's apps are looked up first among
     * the batches earlier pages read and did not claim, and the walk goes on down only for the rest. A cluster
     * with 4,000 apps tracked in pages of 1,000 had each page walk all 4,000 batches.
     */
    @Override
    public StatusReader statusReader(Cluster cluster) {
        return new Walk(cluster, client(cluster));
    }

    /**
     * Reads the cluster's batches from the newest end until every tracked app is found. Livy lists its batches in
     * id order, and the apps tracked are the newest ones, so walking from id 0 read every page Livy retains on
     * every cycle (30 calls a cycle with 2,000 retained batches): the cost grew with what Livy holds rather than
     * with what is tracked. Pages are sized to the apps tracked, and the first page starts where the last cycle
     * saw the end, so a steady cycle is one call. Walking downwards also survives Livy's purge between two calls:
     * a purge shifts only newer batches down, onto positions already read, never past an unread one.
     */
    private final class Walk implements StatusReader {

        private final Cluster cluster;
        private final LivyClient livy;
        /** Batches read and not yet claimed by a page's app, by name: a later page's apps are among them. */
        private final Map<String, Batch> unclaimed = new HashMap<>();
        /** The lowest position read so far; -1 before the first read. */
        private int from = -1;
        /** The batch count in the latest answer. */
        private int total;

        private int size;

        Walk(Cluster cluster, LivyClient livy) {
            this.cluster = cluster;
            this.livy = livy;
        }

        @Override
        public Map<UUID, BackendAppStatus> status(Collection<SparkApp> apps) {
            Map<String, SparkApp> byName = new HashMap<>();
            Map<UUID, BackendAppStatus> statuses = new HashMap<>();
            for (SparkApp app : apps) {
                Batch batch = unclaimed.remove(app.backendName());
                if (batch != null) {
                    statuses.put(app.id(), LivySparkBackend.status(livy, app, batch));
                } else {
                    byName.put(app.backendName(), app);
                }
            }
            try {
                if (!byName.isEmpty()) {
                    boolean first = from < 0;
                    if (first) {
                        readNewest(byName, statuses);
                    }
                    while (from > 0 && !byName.isEmpty()) {
                        from = Math.max(0, from - size);
                        collect(livy.listBatches(from, size), byName, statuses);
                    }
                    if (!first && !byName.isEmpty()) {
                        // Created since this cycle's first read, above what it read.
                        readNewest(byName, statuses);
                    }
                }
            } catch (LivyException e) {
                throw unavailable(cluster, "list batches", e);
            }
            // Batches Livy no longer lists: purged after finishing, or forgotten by a restart. YARN may still know.
            for (SparkApp app : byName.values()) {
                yarn.lookup(cluster, app).ifPresent(status -> statuses.put(app.id(), status));
            }
            return statuses;
        }

        /** The newest end: where the last cycle saw it, then the real end if batches came since. */
        private void readNewest(Map<String, SparkApp> byName, Map<UUID, BackendAppStatus> statuses) {
            boolean first = from < 0;
            if (first) {
                size = Math.max(properties.pageSize(), Math.min(MAX_TRACKING_PAGE, byName.size() + byName.size() / 4));
            }
            int knownTotal = first ? lastTotals.getOrDefault(cluster.livyUrl(), 0) : total;
            int start = Math.max(0, knownTotal - size);
            BatchPage page = livy.listBatches(start, size);
            collect(page, byName, statuses);
            total = page.total();
            if (start + page.sessions().size() < total && !byName.isEmpty()) {
                // Batches came since the last read (or this is the first): read the end, then go down from there.
                int end = Math.max(0, total - size);
                page = livy.listBatches(end, size);
                collect(page, byName, statuses);
                total = page.total();
                // Positions between the first read and the end are read on the way down.
                start = end;
            }
            if (first) {
                from = start;
                lastTotals.put(cluster.livyUrl(), total);
            }
        }

        private void collect(BatchPage page, Map<String, SparkApp> byName, Map<UUID, BackendAppStatus> statuses) {
            for (Batch batch : page.sessions()) {
                if (batch.name() == null) {
                    continue;
                }
                SparkApp app = byName.remove(batch.name());
                if (app != null) {
                    statuses.put(app.id(), LivySparkBackend.status(livy, app, batch));
                } else {
                    // Read first wins, as when each page walked on its own (never one name twice since Livy 0.7).
                    unclaimed.putIfAbsent(batch.name(), batch);
                }
            }
        }
    }

    private static BackendAppStatus status(LivyClient livy, SparkApp app, Batch batch) {
        AppState state = switch (batch.state()) {
            case STARTING -> AppState.SUBMITTED;
            case RUNNING -> AppState.RUNNING;
            case SUCCESS -> AppState.SUCCEEDED;
            case DEAD -> AppState.FAILED;
            case KILLED -> AppState.KILLED;
            // Recovering after a Livy restart, or a state Livy added later: keep what we know.
            default -> app.state();
        };
        String reason = switch (batch.state()) {
            case DEAD ->
                Optional.ofNullable(deathCause(livy, batch))
                        .map(s -> "Livy batch " + batch.id() + " is dead: " + s)
                        .orElse("Livy batch " + batch.id() + " is dead");
            case KILLED -> "killed on the cluster";
            default -> null;
        };
        return new BackendAppStatus(state, reason, batch.appId(), links(batch));
    }

    /**
     * Why a dead batch died. The list's inline tail (10 lines) holds YARN's diagnostics when there are any, but a
     * traceback sits above Spark's shutdown lines, out of that tail: the whole log is read once, as the batch
     * turns dead (the app leaves the active set with it). A failed read leaves the tail's answer.
     */
    private static String deathCause(LivyClient livy, Batch batch) {
        List<String> tail = batch.log() == null ? List.of() : batch.log();
        boolean diagnostics = LivyLogs.classify(tail).stream()
                .anyMatch(l -> l.stream() == LogStream.DIAGNOSTICS && !l.text().isBlank());
        if (!diagnostics) {
            try {
                String whole = LivyLogs.failureSummary(
                        livy.getBatchLog(batch.id(), 0, WHOLE_LOG).log());
                if (whole != null) {
                    return whole;
                }
            } catch (LivyException e) {
                log.warn(
                        "could not read the log of dead Livy batch {} ({}): {}",
                        batch.id(),
                        batch.name(),
                        e.getMessage());
            }
        }
        return LivyLogs.failureSummary(tail);
    }

    private static AppLinks links(Batch batch) {
        if (batch.appInfo() == null) {
            return AppLinks.NONE;
        }
        return new AppLinks(batch.appInfo().sparkUiUrl(), batch.appInfo().driverLogUrl(), null);
    }

    @Override
    public LogPage logs(Cluster cluster, SparkApp app, int from, int size) {
        LivyClient livy = client(cluster);
        try {
            Optional<Batch> batch = current(livy, app);
            if (batch.isEmpty()) {
                return noBatch(cluster, app, from);
            }
            // Markers open each stream, so a page's lines are classified against the whole (small) buffer.
            BatchLog whole = livy.getBatchLog(batch.get().id(), 0, WHOLE_LOG);
            List<LogLine> lines = LivyLogs.classify(whole.log());
            // A negative from is "the last size lines", as the local backend and Livy itself read it.
            int start = from < 0 ? Math.max(0, lines.size() - size) : Math.min(from, lines.size());
            int end = Math.min(start + size, lines.size());
            return new LogPage(start, lines.size(), lines.subList(start, end));
        } catch (LivyNotFoundException e) {
            if (!e.isNoSuchBatch()) {
                throw unavailable(cluster, "read logs", e);
            }
            return noBatch(cluster, app, from);
        } catch (LivyException e) {
            throw unavailable(cluster, "read logs", e);
        }
    }

    /**
     * Livy holds no batch for the app. For an app that has ended, the batch was purged after Livy's retention (or
     * forgotten in a restart): its logs are gone from Livy for good, which an empty page would hide. An app still
     * active may not have its batch yet, or Livy lost it in a restart and the watchdog has yet to judge it.
     */
    private static LogPage noBatch(Cluster cluster, SparkApp app, int from) {
        if (app.state().isTerminal()) {
            throw LogsGoneException.removedByBackend(
                    app,
                    "Livy on cluster '" + cluster.name()
                            + "' no longer holds batch " + app.backendName() + " (Livy removes a finished batch "
                            + "livy.server.session.state-retain.sec after it ends)");
        }
        return LogPage.empty(Math.max(from, 0));
    }

    @Override
    public void kill(Cluster cluster, SparkApp app) {
        LivyClient livy = client(cluster);
        try {
            Optional<Batch> batch = current(livy, app);
            if (batch.isPresent()) {
                livy.deleteBatch(batch.get().id());
            }
        } catch (LivyNotFoundException e) {
            if (!e.isNoSuchBatch()) {
                throw unavailable(cluster, "kill", e);
            }
            // Already gone: killed, finished and purged, or forgotten by a restart.
        } catch (LivyException e) {
            throw unavailable(cluster, "kill", e);
        }
    }

    /**
     * The app's batch as Livy holds it now. The stored id is checked against the name, because a Livy restart
     * starts ids again at 0 and the stored id may name another app's batch.
     */
    private static Optional<Batch> current(LivyClient livy, SparkApp app) {
        if (app.backendId() != null) {
            try {
                Batch byId = livy.getBatch(Long.parseLong(app.backendId()));
                if (app.backendName().equals(byId.name())) {
                    return Optional.of(byId);
                }
            } catch (NumberFormatException e) {
                // fall through to the name
            } catch (LivyNotFoundException e) {
                if (!e.isNoSuchBatch()) {
                    throw e;
                }
            }
        }
        return findQuietly(livy, app.backendName());
    }

    private static Optional<Batch> findQuietly(LivyClient livy, String name) {
        try {
            return livy.findBatchByName(name);
        } catch (LivyNotFoundException e) {
            if (!e.isNoSuchBatch()) {
                throw e; // a 404 from a proxy or a wrong path is not "no such batch"
            }
            return Optional.empty();
        }
    }

    private static void deleteQuietly(LivyClient livy, long id) {
        try {
            livy.deleteBatch(id);
        } catch (LivyException e) {
            log.warn("could not remove Livy batch {} that was rejected during start-up: {}", id, e.getMessage());
        }
    }

    private BackendUnavailableException unavailable(Cluster cluster, String what, LivyException e) {
        return new BackendUnavailableException(
                NAME,
                "cannot " + what + " on Livy of cluster '" + cluster.name() + "' (" + cluster.livyUrl() + "): "
                        + e.getMessage(),
                e);
    }

    private LivyClient client(Cluster cluster) {
        return clients.computeIfAbsent(cluster.livyUrl(), url -> {
            LivyClient.Builder builder = LivyClient.builder()
                    .baseUrl(url)
                    .okHttpClient(http)
                    .connectTimeout(properties.connectTimeout())
                    .readTimeout(properties.readTimeout())
                    .requestedBy("platyspark")
                    .requestIdHeader("X-Request-Id")
                    .requestIdSupplier(() -> MDC.get("requestId"))
                    .maxRetries(properties.maxRetries())
                    .retryBackoff(properties.retryBackoff());
            if (properties.username() != null) {
                builder.basicAuth(properties.username(), properties.password());
            }
            return builder.build();
        });
    }
}
