package io.platyspark.core.cluster;

import java.util.Objects;

/** A cluster to record before (or while) its backend creates it. */
public record NewCluster(String name, ClusterKind kind, String team, String config, String livyUrl,
        ClusterState initialState) {

    public NewCluster {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(kind, "kind == null");
        Objects.requireNonNull(initialState, "initialState == null");
    }
}
