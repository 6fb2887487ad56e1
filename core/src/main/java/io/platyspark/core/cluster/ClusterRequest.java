package io.platyspark.core.cluster;

import java.util.Objects;

/**
 * A request to create, or register, a cluster.
 *
 * @param team    the owning team for dedicated and dev clusters (null: the caller's)
 * @param config  a ClusterConfig as JSON; null for a preset or a registration
 * @param livyUrl an existing cluster's Livy endpoint, to register it instead of creating one
 */
public record ClusterRequest(String name, ClusterKind kind, String team, String config, String livyUrl) {

    public ClusterRequest {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(kind, "kind == null");
    }
}
