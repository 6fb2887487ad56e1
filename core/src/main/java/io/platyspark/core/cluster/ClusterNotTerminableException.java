package io.platyspark.core.cluster;

/** The cluster cannot be terminated through the API (the local cluster lives as long as the server). */
public class ClusterNotTerminableException extends RuntimeException {

    public ClusterNotTerminableException(String message) {
        super(message);
    }
}
