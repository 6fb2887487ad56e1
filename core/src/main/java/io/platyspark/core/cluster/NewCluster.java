package io.platyspark.core.cluster;

import java.time.Duration;
import java.util.Objects;

/** A cluster to record before (or while) its backend creates it. */
public record NewCluster(String name, ClusterKind kind, String team, String config, String livyUrl,
        ClusterState initialState, Duration idleTimeout) {

    public NewCluster(String name, ClusterKind kind, String team, String config, String livyUrl,
            ClusterState initialState) {
        this(name, kind, team, config, livyUrl, initialState, null);
    }

    public NewCluster {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(kind, "kind == null");
        Objects.requireNonNull(initialState, "initialState == null");
    }
}
