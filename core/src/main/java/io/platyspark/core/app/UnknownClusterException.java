package io.platyspark.core.app;

/** An app names a cluster that does not exist (or has terminated). */
public class UnknownClusterException extends RuntimeException {

    private final String clusterName;

    public UnknownClusterException(String clusterName) {
        super("no active cluster named '" + clusterName + "'; create it first or pick one from GET /api/v1/clusters");
        this.clusterName = clusterName;
    }

    public String clusterName() {
        return clusterName;
    }
}
