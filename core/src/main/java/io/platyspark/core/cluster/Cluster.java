package io.platyspark.core.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A cluster as the platform records it.
 *
 * @param config     the full configuration that created it (JSON), null for clusters the platform did not create
 * @param externalId  the provider's id, e.g. EMR's {@code j-...}
 * @param idleTimeout how long a dedicated cluster may sit without apps before the cleaner terminates it (null:
 *                    the platform's default)
 */
public record Cluster(
        UUID id,
        String name,
        ClusterKind kind,
        String team,
        String config,
        String externalId,
        String masterDns,
        String livyUrl,
        ClusterState state,
        String stateReason,
        Instant createdAt,
        Instant updatedAt,
        Instant terminatedAt,
        Duration idleTimeout) {

    /** Created and owned by the platform (it has a config to build it from), as opposed to registered by URL. */
    public boolean managed() {
        return config != null && kind != ClusterKind.LOCAL;
    }

    /**
     * An existing cluster registered by its Livy URL or its Spark standalone master URL: the platform neither
     * creates nor terminates it.
     */
    public boolean registered() {
        return config == null && (livyUrl != null || sparkMaster()) && kind != ClusterKind.LOCAL;
    }

    /** A Spark standalone cluster: its external id is its master's {@code spark://} URL. */
    public boolean sparkMaster() {
        return externalId != null && externalId.startsWith("spark://");
    }
}
