package io.platyspark.core.quota;

import java.util.Map;

/** A team's quotas as they apply: its own values where an admin set them, the configured defaults elsewhere. */
public record TeamQuota(
        String team,
        int share,
        int maxActiveApps,
        int submitsPerMinute,
        Map<String, Integer> maxRunning,
        int maxClusters,
        int maxCapacityUnits,
        int maxQueuePercent,
        boolean custom) {}
