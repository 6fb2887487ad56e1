package io.platyspark.core.cluster;

/** No active cluster has this name. */
public class ClusterNotFoundException extends RuntimeException {

    private final String name;

    public ClusterNotFoundException(String name) {
        super("no active cluster named '" + name + "'");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
