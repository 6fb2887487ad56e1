package io.platyspark.core.quota;

import io.platyspark.core.security.ForbiddenException;

/**
 * A cluster the platform would create for a team over one of its cluster quotas (403): names the quota, what the
 * team uses of it and its limit. Nothing was recorded.
 */
public class ClusterQuotaExceededException extends ForbiddenException {

    private final long usage;
    private final long limit;

    public ClusterQuotaExceededException(String quota, long usage, long limit, String message) {
        super(quota, message);
        this.usage = usage;
        this.limit = limit;
    }

    /** The quota's name as the quota API spells it ({@code maxClusters}, {@code maxCapacityUnits}). */
    public String quota() {
        return field();
    }

    /** What the team uses of the quota now, without the refused cluster. */
    public long usage() {
        return usage;
    }

    public long limit() {
        return limit;
    }
}
