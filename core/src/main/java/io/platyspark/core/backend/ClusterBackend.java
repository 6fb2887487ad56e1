package io.platyspark.core.backend;

import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
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
     * DescribeCluster each). A cluster missing from the answer is one the provider does not know.
     */
    default Map<UUID, ClusterStatus> describeAll(Collection<Cluster> clusters) {
        Map<UUID, ClusterStatus> statuses = new HashMap<>();
        for (Cluster cluster : clusters) {
            statuses.put(cluster.id(), describe(cluster));
        }
        return statuses;
    }

    void terminate(Cluster cluster);

    /** A cluster's state as its provider reports it. */
    record ClusterStatus(String externalId, ClusterState state, String reason, String masterDns, String livyUrl) {
    }
}
