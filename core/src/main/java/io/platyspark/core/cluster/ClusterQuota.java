package io.platyspark.core.cluster;

/**
 * A team's limits on the clusters it may have the platform create. The store calls it in the transaction that
 * records the cluster, after taking the team's lock, so it judges against every cluster committed before.
 */
@FunctionalInterface
public interface ClusterQuota {

    ClusterQuota NONE = (team, kind, capacityUnits) -> {};

    /**
     * Throws {@link io.platyspark.core.security.ForbiddenException} naming the quota when one more cluster of that
     * kind and capacity would take the team over it.
     */
    void check(String team, ClusterKind kind, int capacityUnits);
}
