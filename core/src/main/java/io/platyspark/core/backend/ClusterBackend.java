package io.platyspark.core.backend;

import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;

/**
 * Creates and watches clusters of one technology. Like {@link SparkBackend}, an outage is a
 * {@link BackendUnavailableException}, never a "terminated".
 */
public interface ClusterBackend {

    String name();

    boolean supports(ClusterKind kind);

    /** Starts creating the recorded cluster (or adopts one a crashed earlier call created) and says what exists. */
    ClusterStatus create(Cluster cluster);

    ClusterStatus describe(Cluster cluster);

    void terminate(Cluster cluster);

    /** A cluster's state as its provider reports it. */
    record ClusterStatus(String externalId, ClusterState state, String reason, String masterDns, String livyUrl) {
    }
}
