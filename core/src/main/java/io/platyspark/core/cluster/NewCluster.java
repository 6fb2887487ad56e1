package io.platyspark.core.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * A cluster to record before (or while) its backend creates it.
 *
 * @param externalId a registered cluster's address known up front (a Spark standalone master's spark:// URL)
 * @param masterDns  likewise, where its master answers (a standalone master's web UI URL)
 * @param capacityUnits what it takes of its team's capacity quota (from its validated config), null when it
 *                   costs the platform nothing (registered) or is not measured
 */
public record NewCluster(
        String name,
        ClusterKind kind,
        String team,
        String config,
        String livyUrl,
        ClusterState initialState,
        Duration idleTimeout,
        String externalId,
        String masterDns,
        Integer capacityUnits) {

    public NewCluster(
            String name,
            ClusterKind kind,
            String team,
            String config,
            String livyUrl,
            ClusterState initialState,
            Duration idleTimeout,
            String externalId,
            String masterDns) {
        this(name, kind, team, config, livyUrl, initialState, idleTimeout, externalId, masterDns, null);
    }

    public NewCluster(
            String name,
            ClusterKind kind,
            String team,
            String config,
            String livyUrl,
            ClusterState initialState,
            Duration idleTimeout) {
        this(name, kind, team, config, livyUrl, initialState, idleTimeout, null, null);
    }

    public NewCluster(
            String name, ClusterKind kind, String team, String config, String livyUrl, ClusterState initialState) {
        this(name, kind, team, config, livyUrl, initialState, null);
    }

    public NewCluster {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(kind, "kind == null");
        Objects.requireNonNull(initialState, "initialState == null");
    }
}
