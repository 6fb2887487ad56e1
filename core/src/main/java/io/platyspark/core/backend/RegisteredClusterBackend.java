package io.platyspark.core.backend;

import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;

/**
 * Clusters registered by their Livy URL (an existing EMR cluster, an on-premise Livy): the platform did not
 * create them and does not terminate them; "terminating" one only forgets it.
 */
public class RegisteredClusterBackend implements ClusterBackend {

    @Override
    public String name() {
        return "registered";
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.registered();
    }

    @Override
    public ClusterStatus create(Cluster cluster) {
        return describe(cluster);
    }

    @Override
    public ClusterStatus describe(Cluster cluster) {
        return new ClusterStatus(
                cluster.externalId(),
                ClusterState.WAITING,
                cluster.livyUrl() != null ? "registered by its Livy URL" : "registered by its Spark master URL",
                cluster.masterDns(),
                cluster.livyUrl());
    }

    @Override
    public void terminate(Cluster cluster) {
        // Not ours to stop: deregistering is all the platform does.
    }
}
