package io.platyspark.core.cluster;

import java.util.Objects;

/**
 * A request to create, or register, a cluster.
 *
 * @param team    the owning team for dedicated and dev clusters (null: the caller's)
 * @param config  a ClusterConfig as JSON; null for a preset or a registration
 * @param livyUrl an existing cluster's Livy endpoint, to register it instead of creating one
 * @param sparkMasterUrl an existing Spark standalone master ({@code spark://host:7077}), to register it
 * @param sparkMasterWebUiUrl that master's web UI (default: port 8080 of its host), where it is tracked
 */
public record ClusterRequest(
        String name,
        ClusterKind kind,
        String team,
        String config,
        String livyUrl,
        String sparkMasterUrl,
        String sparkMasterWebUiUrl) {

    public ClusterRequest(String name, ClusterKind kind, String team, String config, String livyUrl) {
        this(name, kind, team, config, livyUrl, null, null);
    }

    public ClusterRequest {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(kind, "kind == null");
    }
}
