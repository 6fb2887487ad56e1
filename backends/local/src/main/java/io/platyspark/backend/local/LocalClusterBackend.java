package io.platyspark.backend.local;

import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.cluster.NewCluster;

/** One always-ready cluster named {@value #CLUSTER_NAME}: the server's own machine. */
public class LocalClusterBackend implements ClusterBackend {

    public static final String CLUSTER_NAME = "local";

    private final ClusterStore clusters;

    public LocalClusterBackend(ClusterStore clusters) {
        this.clusters = clusters;
    }

    /** Records the local cluster when it is not recorded yet. */
    public Cluster ensureLocalCluster() {
        return clusters.getOrCreate(new NewCluster(CLUSTER_NAME, ClusterKind.LOCAL, null, null, null,
                ClusterState.WAITING)).cluster();
    }

    @Override
    public String name() {
        return LocalSparkBackend.NAME;
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.kind() == ClusterKind.LOCAL;
    }

    @Override
    public ClusterStatus create(Cluster cluster) {
        return describe(cluster);
    }

    @Override
    public ClusterStatus describe(Cluster cluster) {
        return new ClusterStatus(null, ClusterState.WAITING, "Spark in local mode on the server's machine", null,
                null);
    }

    @Override
    public void terminate(Cluster cluster) {
        throw new BackendRejectedException("the local cluster cannot be terminated: it lives as long as the server");
    }
}
