package io.platyspark.backend.local.standalone;

import io.platyspark.backend.local.LocalSparkBackend;
import io.platyspark.backend.local.LocalSparkProperties;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.cluster.Cluster;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs apps on Spark standalone clusters with {@code spark-submit --master spark://...} in client mode (Spark runs
 * Python apps on a standalone cluster in client mode only). The spark-submit processes are the local backend's
 * runs: the same logs, links, metrics (from the event log), kill and adoption after a restart. Tracking reads
 * each cluster's master once per cycle ({@code /json}) and matches its applications to apps by the id the master
 * gave them (their driver logs it), else by name.
 */
public class StandaloneSparkBackend implements SparkBackend {

    public static final String NAME = "standalone";

    /** Where a cluster's master listens and what apps on it get by default. */
    public record MasterEndpoint(String masterUrl, URI webUi, Map<String, String> appDefaults) {}

    private final Runs runs;
    private final SparkMasterClient masters;
    private final Function<Cluster, Optional<MasterEndpoint>> endpoints;

    /**
     * @param runProperties the local backend's settings (Spark, Python, kill grace period) with this backend's
     *                      own work dir and concurrency limit
     * @param endpoints     the master of a cluster this backend runs apps on; empty when none is known
     */
    public StandaloneSparkBackend(
            LocalSparkProperties runProperties,
            SparkMasterClient masters,
            Function<Cluster, Optional<MasterEndpoint>> endpoints) {
        this.runs = new Runs(runProperties, this);
        this.masters = masters;
        this.endpoints = endpoints;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The platform's clusters on this machine, and Spark standalone masters registered by their URL. */
    @Override
    public boolean supports(Cluster cluster) {
        return cluster.managed() || cluster.registered() && cluster.sparkMaster();
    }

    /** The Spark distribution spark-submit and the daemons come from. */
    public Optional<Path> sparkHome() {
        return runs.sparkHome();
    }

    /** Called when a run's status changes, so the watchdog in this process records it at once. */
    public void onChange(Runnable listener) {
        runs.onChange(listener);
    }

    @Override
    public BackendSubmission submit(Cluster cluster, SparkApp app) {
        endpoint(cluster);
        return runs.submit(cluster, app);
    }

    @Override
    public Map<UUID, BackendAppStatus> status(Cluster cluster, Collection<SparkApp> apps) {
        // One call to the master for every app on the cluster; it also tells an unreachable master (nothing is
        // concluded then) from a run that ended.
        SparkMasterClient.MasterState master = masters.status(endpoint(cluster).webUi());
        Map<String, SparkMasterClient.MasterApp> byId = new HashMap<>();
        Map<String, SparkMasterClient.MasterApp> byName = new HashMap<>();
        for (SparkMasterClient.MasterApp app : master.apps()) {
            byId.put(app.id(), app);
            // Active ones win over completed ones of the same name.
            byName.merge(app.name(), app, (a, b) -> a.completed() ? b : a);
        }
        Map<UUID, BackendAppStatus> runStates = runs.status(cluster, apps);
        Map<UUID, BackendAppStatus> result = new HashMap<>();
        for (SparkApp app : apps) {
            BackendAppStatus run = runStates.get(app.id());
            String knownId = run != null && run.backendAppId() != null ? run.backendAppId() : app.backendAppId();
            SparkMasterClient.MasterApp listed = knownId != null ? byId.get(knownId) : byName.get(app.name());
            if (run == null) {
                if (listed != null && !listed.completed()) {
                    result.put(app.id(), new BackendAppStatus(AppState.RUNNING, null, listed.id(), null));
                }
                continue;
            }
            if (run.state() == AppState.RUNNING && (listed == null || "WAITING".equals(listed.state()))) {
                // spark-submit runs, but the master has not given the app executors yet.
                result.put(
                        app.id(),
                        new BackendAppStatus(
                                AppState.SUBMITTED,
                                listed == null ? null : "waiting for free cores on cluster '" + cluster.name() + "'",
                                knownId,
                                run.links()));
                continue;
            }
            result.put(
                    app.id(),
                    new BackendAppStatus(
                            run.state(),
                            run.reason(),
                            listed != null ? listed.id() : run.backendAppId(),
                            run.links(),
                            run.metrics()));
        }
        return result;
    }

    @Override
    public LogPage logs(Cluster cluster, SparkApp app, int from, int size) {
        return runs.logs(cluster, app, from, size);
    }

    @Override
    public void kill(Cluster cluster, SparkApp app) {
        runs.kill(cluster, app);
    }

    /** Stops every app this backend started; called when the server shuts down. */
    public void shutdown() {
        runs.shutdown();
    }

    private MasterEndpoint endpoint(Cluster cluster) {
        return endpoints
                .apply(cluster)
                .orElseThrow(() -> new BackendUnavailableException(
                        NAME, "no Spark master is known for cluster '" + cluster.name() + "' yet", null));
    }

    /** The local backend's runs, submitted to a standalone master. */
    private static final class Runs extends LocalSparkBackend {

        private final StandaloneSparkBackend outer;

        Runs(LocalSparkProperties properties, StandaloneSparkBackend outer) {
            super(properties);
            this.outer = outer;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public boolean supports(Cluster cluster) {
            return cluster.managed();
        }

        @Override
        protected String master(Cluster cluster) {
            return outer.endpoint(cluster).masterUrl();
        }

        @Override
        protected java.nio.file.Path eventLogDir(Cluster cluster) {
            return eventLogDir().resolve(cluster.id().toString());
        }

        @Override
        protected Map<String, String> defaultConf(Cluster cluster) {
            return outer.endpoint(cluster).appDefaults();
        }

        /**
         * A built environment comes as {@code spark.archives=<archive>#environment} with
         * {@code ./environment/bin/python}: executors unpack it in their work dirs, and the driver, which runs here
         * in client mode, finds its copy unpacked in the run's directory, where spark-submit then starts.
         */
        @Override
        protected void customize(Cluster cluster, SparkApp app, Path appDir, ProcessBuilder builder)
                throws IOException {
            String archives = app.sparkConf().get("spark.archives");
            if (archives == null) {
                return;
            }
            for (String archive : archives.split(",")) {
                int hash = archive.indexOf('#');
                if (hash < 0 || !archive.startsWith("file:")) {
                    continue;
                }
                Path target = appDir.resolve(archive.substring(hash + 1));
                if (!Files.isDirectory(target)) {
                    unpack(Path.of(URI.create(archive.substring(0, hash))), target);
                }
            }
            builder.directory(appDir.toFile());
        }

        private static void unpack(Path archive, Path target) throws IOException {
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Files.createDirectories(partial);
            Process tar = new ProcessBuilder(List.of("tar", "-xzf", archive.toString(), "-C", partial.toString()))
                    .redirectErrorStream(true)
                    .start();
            try {
                if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                    tar.destroyForcibly();
                    throw new IOException("tar could not unpack " + archive + ": "
                            + new String(tar.getInputStream().readAllBytes()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while unpacking " + archive, e);
            }
            Files.move(partial, target);
        }
    }
}
