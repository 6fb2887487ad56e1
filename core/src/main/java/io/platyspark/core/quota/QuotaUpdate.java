package io.platyspark.core.quota;

import java.util.Map;

/** A team's own quota values; a null one means "the configured default". */
public record QuotaUpdate(
        Integer share,
        Integer maxActiveApps,
        Integer submitsPerMinute,
        Map<String, Integer> maxRunning,
        Integer maxClusters,
        Integer maxQueuePercent,
        Integer maxCapacityUnits) {

    /** Without a capacity quota of the team's own. */
    public QuotaUpdate(
            Integer share,
            Integer maxActiveApps,
            Integer submitsPerMinute,
            Map<String, Integer> maxRunning,
            Integer maxClusters,
            Integer maxQueuePercent) {
        this(share, maxActiveApps, submitsPerMinute, maxRunning, maxClusters, maxQueuePercent, null);
    }
}
