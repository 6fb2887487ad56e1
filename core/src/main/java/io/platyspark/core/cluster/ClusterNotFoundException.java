package io.platyspark.core.cluster;

/** No active cluster has this name. */
public class ClusterNotFoundException extends RuntimeException {

    private final String name;

    public ClusterNotFoundException(String name) {
        this(name, "no active cluster named '" + name + "'");
    }

    public ClusterNotFoundException(String name, String message) {
        super(message);
        this.name = name;
    }

    public String name() {
        return name;
    }
}
