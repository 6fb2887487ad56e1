package io.platyspark.core.cluster;

/** An active cluster by that name exists and belongs to someone else, or is of another kind. */
public class ClusterNameTakenException extends RuntimeException {

    private final String name;

    public ClusterNameTakenException(String name, String why) {
        super("cluster name '" + name + "' is taken: " + why + "; choose another name");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
