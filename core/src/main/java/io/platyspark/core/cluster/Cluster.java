package io.platyspark.core.cluster;

import java.time.Instant;
import java.util.UUID;

/**
 * A cluster as the platform records it.
 *
 * @param config     the full configuration that created it (JSON), null for clusters the platform did not create
 * @param externalId the provider's id, e.g. EMR's {@code j-...}
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
        Instant terminatedAt) {
}
