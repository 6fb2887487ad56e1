package io.platyspark.core.cluster;

import java.util.List;

/** What the API does with clusters. */
public class ClusterService {

    private final ClusterStore clusters;

    public ClusterService(ClusterStore clusters) {
        this.clusters = clusters;
    }

    public List<Cluster> listActive() {
        return clusters.findActive();
    }

    public Cluster get(String name) {
        return clusters.findActive(name).orElseThrow(() -> new ClusterNotFoundException(name));
    }
}
