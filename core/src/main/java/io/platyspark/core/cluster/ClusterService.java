package io.platyspark.core.cluster;

import io.platyspark.core.security.Caller;
import java.util.List;

/** What the API does with clusters. */
public class ClusterService {

    private final ClusterStore clusters;

    public ClusterService(ClusterStore clusters) {
        this.clusters = clusters;
    }

    /** The active clusters the caller may use: its team's, and those of no team (shared, local). */
    public List<Cluster> listActive(Caller caller) {
        return clusters.findActive().stream().filter(c -> visible(caller, c)).toList();
    }

    public Cluster get(Caller caller, String name) {
        return clusters.findActive(name).filter(c -> visible(caller, c))
                .orElseThrow(() -> new ClusterNotFoundException(name));
    }

    private static boolean visible(Caller caller, Cluster cluster) {
        return cluster.team() == null || caller.mayAccess(cluster.team());
    }
}
