package io.platyspark.core.backend;

import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates and watches clusters of one technology. Like {@link SparkBackend}, an outage is a
 * {@link BackendUnavailableException}, never a "terminated".
 */
public interface ClusterBackend {

    String name();

    /** Whether this backend creates and watches the cluster. */
    boolean supports(Cluster cluster);

    /** Starts creating the recorded cluster (or adopts one a crashed earlier call created) and says what exists. */
    ClusterStatus create(Cluster cluster);

    ClusterStatus describe(Cluster cluster);

    /**
     * The states of many clusters of this backend in as few calls as it can (EMR: ListClusters pages, not one
     * DescribeCluster each). A cluster missing from the answer is one whose state was not learned this time.
     */
    default Map<UUID, ClusterStatus> describeAll(Collection<Cluster> clusters) {
        Map<UUID, ClusterStatus> statuses = new HashMap<>();
        for (Cluster cluster : clusters) {
            statuses.put(cluster.id(), describe(cluster));
        }
        return statuses;
    }

    /**
     * What one watchdog cycle learns: the states of {@code clusters} (as {@link #describeAll}) and the clusters at
     * the provider that carry a platform id but are not among {@code clusters} (orphan candidates: the store decides
     * whether it owns them). Providers that cannot tell report none.
     *
     * @throws BackendUnavailableException when the provider cannot be asked; nothing is concluded then
     */
    default Observation observe(Collection<Cluster> clusters) {
        return new Observation(describeAll(clusters), List.of());
    }

    void terminate(Cluster cluster);

    /**
     * What the cluster's nodes run Python apps with (CPU, Python version, interpreter prefix), which an app's
     * environment is built for. Empty while it is not known yet (a provider that learns it from the running
     * cluster) or when this provider cannot tell (a cluster registered by URL); the submission worker then waits
     * for the cluster to be ready, and builds for the platform's defaults.
     *
     * @throws BackendRejectedException when the cluster's config names nodes the platform cannot build for
     */
    default Optional<PythonTarget> pythonTarget(Cluster cluster) {
        return Optional.empty();
    }

    /** What a cycle learned of a backend's clusters. */
    record Observation(Map<UUID, ClusterStatus> statuses, List<Untracked> untracked) {
        public Observation {
            statuses = Map.copyOf(statuses);
            untracked = List.copyOf(untracked);
        }
    }

    /** A live cluster at the provider tagged with a platform id, that the caller did not ask about. */
    record Untracked(String externalId, String name, String platformId) {}

    /** A cluster's state as its provider reports it. */
    record ClusterStatus(String externalId, ClusterState state, String reason, String masterDns, String livyUrl) {}
}
