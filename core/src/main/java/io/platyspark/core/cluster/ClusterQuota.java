package io.platyspark.core.cluster;

/** A team's limit on the clusters it may have the platform create; checked before one is recorded. */
@FunctionalInterface
public interface ClusterQuota {

    ClusterQuota NONE = (team, kind) -> {};

    /** Throws {@link io.platyspark.core.security.ForbiddenException} naming the quota when the team is at it. */
    void check(String team, ClusterKind kind);
}
