package io.platyspark.core.cluster;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Where clusters live. */
public interface ClusterStore {

    /**
     * Returns the non-terminated cluster with this name, creating it from {@code cluster} when there is none.
     * Atomic: of many concurrent callers exactly one creates.
     */
    GetOrCreate getOrCreate(NewCluster cluster);

    Optional<Cluster> findActive(String name);

    Optional<Cluster> find(UUID id);

    /** Non-terminated clusters, by name. */
    List<Cluster> findActive();

    /** Compare-and-set of the state, recording the reason and, when non-null, the backend's facts. */
    Optional<Cluster> transition(UUID id, ClusterState expected, ClusterState next, String reason,
            String externalId, String masterDns, String livyUrl);

    record GetOrCreate(Cluster cluster, boolean created) {
    }
}
