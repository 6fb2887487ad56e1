package io.platyspark.core.quota;

import java.util.Map;

/**
 * What a team uses against its quota right now.
 *
 * @param running          apps on the backend, per cluster kind
 * @param queued           apps waiting QUEUED for a running slot
 * @param submitsLastMinute apps submitted in the last 60 s
 * @param clusters         active DEDICATED and DEV clusters the platform created for the team
 * @param capacityUnits    their capacity added up, against the quota's {@code maxCapacityUnits}
 */
public record TeamUsage(
        String team,
        long activeApps,
        Map<String, Long> running,
        long queued,
        long submitsLastMinute,
        long clusters,
        long capacityUnits,
        TeamQuota quota) {}
