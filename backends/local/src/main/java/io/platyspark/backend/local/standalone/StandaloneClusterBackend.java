package io.platyspark.backend.local.standalone;

import io.platyspark.aws.emr.ClusterConfigException;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the platform's clusters as Spark standalone clusters on this machine: a master and workers started as
 * the server's child processes ({@code spark-class ...deploy.master.Master} and {@code ...worker.Worker}), sized
 * by {@link StandaloneSizing}. A cluster's state comes from its processes and one call to its master's JSON
 * status: a master process that is gone is a cluster that ended, a master that does not answer is an outage.
 */
public class StandaloneClusterBackend implements ClusterBackend {

    private static final Logger log = LoggerFactory.getLogger(StandaloneClusterBackend.class);

    private final StandaloneProcesses processes;
    private final SparkMasterClient masters;
    private final StandaloneProperties properties;
    private final Supplier<Optional<Path>> sparkHome;
    private final Clock clock;

    StandaloneClusterBackend(
            StandaloneProcesses processes,
            SparkMasterClient masters,
            StandaloneProperties properties,
            Supplier<Optional<Path>> sparkHome,
            Clock clock) {
        this.processes = processes;
        this.masters = masters;
        this.properties = properties;
        this.sparkHome = sparkHome;
        this.clock = clock;
    }

    @Override
    public String name() {
        return StandaloneSparkBackend.NAME;
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.managed();
    }

    @Override
    public ClusterStatus create(Cluster cluster) {
        Optional<StandaloneProcesses.Started> earlier = processes.find(cluster.id());
        if (earlier.isPresent()
                && earlier.get().master().alive()
                && processes.stoppedReason(cluster.id()).isEmpty()) {
            // Started by an earlier call whose answer was not recorded (a crash): adopted, never started twice.
            return describe(cluster);
        }
        Path home = sparkHome
                .get()
                .orElseThrow(() -> new BackendRejectedException("no Spark found on this "
                        + "machine to start a cluster with: set platy.local.spark-home or SPARK_HOME, or install pyspark "
                        + "into platy.local.python"));
        StandaloneSizing sizing;
        try {
            sizing = StandaloneSizing.of(
                    cluster.config(),
                    cluster.name(),
                    properties,
                    Runtime.getRuntime().availableProcessors(),
                    StandaloneSizing.machineMemoryBytes());
        } catch (ClusterConfigException e) {
            throw new BackendRejectedException("its config cannot be read: " + e.getMessage(), e);
        }
        try {
            StandaloneProcesses.Started started = processes.start(cluster.id(), home, sizing);
            return new ClusterStatus(
                    started.masterUrl(),
                    ClusterState.STARTING,
                    starting(started, 0),
                    started.webUi().toString(),
                    null);
        } catch (IOException e) {
            throw new BackendUnavailableException(
                    name(), "could not start the Spark standalone daemons: " + e.getMessage(), e);
        }
    }

    @Override
    public ClusterStatus describe(Cluster cluster) {
        Optional<StandaloneProcesses.Started> recorded = processes.find(cluster.id());
        if (recorded.isEmpty()) {
            return new ClusterStatus(
                    cluster.externalId(),
                    ClusterState.TERMINATED_WITH_ERRORS,
                    "no record of its Spark processes on this machine (was " + processes.dir(cluster.id())
                            + " removed?)",
                    null,
                    null);
        }
        StandaloneProcesses.Started started = recorded.get();
        Optional<String> stopped = processes.stoppedReason(cluster.id());
        if (!started.master().alive()) {
            // Nothing of a dead cluster may run on: its workers would hold cores and memory for nobody.
            processes.stopProcesses(started);
            return stopped.map(why -> status(started, ClusterState.TERMINATED, why))
                    .orElseGet(() -> status(
                            started,
                            ClusterState.TERMINATED_WITH_ERRORS,
                            "the Spark master process "
                                    + "(pid " + started.master().pid() + ") ended; see "
                                    + processes.dir(cluster.id()).resolve("master.log")));
        }
        boolean starting = cluster.state() == ClusterState.STARTING || cluster.state() == ClusterState.BOOTSTRAPPING;
        SparkMasterClient.MasterState state;
        try {
            state = masters.status(started.webUi());
        } catch (BackendUnavailableException e) {
            if (starting) {
                return startingOrTimedOut(cluster, started, 0);
            }
            throw e;
        }
        int expected = started.workers().size();
        if (state.alive() && state.aliveWorkers() >= expected) {
            return status(
                    started,
                    ClusterState.WAITING,
                    "Spark standalone master " + started.masterUrl() + " with " + expected
                            + " worker(s) on this machine");
        }
        if (starting) {
            return startingOrTimedOut(cluster, started, state.aliveWorkers());
        }
        return status(
                started,
                ClusterState.WAITING,
                "Spark standalone master " + started.masterUrl() + ": " + state.aliveWorkers() + " of " + expected
                        + " worker(s) alive");
    }

    /**
     * Each cluster is its own master: one that does not answer is left out of the answer (its state is not
     * learned this time) rather than hiding the states of the others.
     */
    @Override
    public Map<UUID, ClusterStatus> describeAll(Collection<Cluster> clusters) {
        Map<UUID, ClusterStatus> statuses = new HashMap<>();
        for (Cluster cluster : clusters) {
            try {
                statuses.put(cluster.id(), describe(cluster));
            } catch (BackendUnavailableException e) {
                log.warn("state of cluster '{}' not learned this time: {}", cluster.name(), e.getMessage());
            }
        }
        return statuses;
    }

    private ClusterStatus startingOrTimedOut(Cluster cluster, StandaloneProcesses.Started started, int alive) {
        long since = started.master().startedMillis();
        if (since > 0 && clock.millis() - since > properties.startTimeout().toMillis()) {
            String why = "did not start within " + properties.startTimeout().toSeconds() + "s (" + alive + " of "
                    + started.workers().size() + " worker(s) registered); see " + processes.dir(cluster.id());
            processes.stop(cluster.id(), why);
            return status(started, ClusterState.TERMINATED_WITH_ERRORS, why);
        }
        return status(started, ClusterState.STARTING, starting(started, alive));
    }

    private static String starting(StandaloneProcesses.Started started, int alive) {
        return "starting a Spark standalone master and " + started.workers().size() + " worker(s) on this machine";
    }

    private static ClusterStatus status(StandaloneProcesses.Started started, ClusterState state, String reason) {
        // The master's web UI stands where EMR's master DNS would: where the master answers.
        return new ClusterStatus(
                started.masterUrl(), state, reason, started.webUi().toString(), null);
    }

    @Override
    public void terminate(Cluster cluster) {
        processes.stop(cluster.id(), cluster.stateReason() != null ? cluster.stateReason() : "terminated");
    }

    /** Stops every cluster this server started; called when it shuts down. */
    public void shutdown() {
        processes.stopAll("stopped when the server shut down");
    }
}
