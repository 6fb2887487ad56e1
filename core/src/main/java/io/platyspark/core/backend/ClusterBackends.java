package io.platyspark.core.backend;

import io.platyspark.core.cluster.Cluster;
import java.util.List;

/** Picks the backend that creates and watches a given cluster. */
public final class ClusterBackends {

    private final List<ClusterBackend> backends;

    public ClusterBackends(List<ClusterBackend> backends) {
        this.backends = List.copyOf(backends);
    }

    public ClusterBackend forCluster(Cluster cluster) {
        for (ClusterBackend backend : backends) {
            if (backend.supports(cluster)) {
                return backend;
            }
        }
        throw new BackendRejectedException(
                "no cluster provider is configured for cluster '" + cluster.name() + "' of kind " + cluster.kind()
                        + (cluster.managed() ? " (EMR is not enabled: platy.aws.enabled)" : ""));
    }

    public List<ClusterBackend> all() {
        return backends;
    }
}
