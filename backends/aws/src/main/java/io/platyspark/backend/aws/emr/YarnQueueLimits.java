package io.platyspark.backend.aws.emr;

import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.core.quota.TeamQuota;
import io.platyspark.core.quota.YarnAllocations;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The shared cluster's fair-scheduler allocations from the quota table: each team with quotas of its own gets its
 * queue with its {@code share} as weight and {@code maxQueuePercent} as its largest share of the cluster; every
 * other team's queue (still made on first use) gets the default maximum. EMR has no classification for the
 * allocations file, so a bootstrap action writes it on every node and yarn-site points the scheduler at it (the
 * fair scheduler rereads it every 10 s, which is how a change reaches a running cluster: docs/operations.md).
 */
public final class YarnQueueLimits {

    /** Where the allocations live on the cluster's nodes. */
    public static final String ALLOCATION_FILE = "/etc/platy/fair-scheduler.xml";

    public static final String BOOTSTRAP_NAME = ClusterConfig.PLATFORM_BOOTSTRAP;

    private YarnQueueLimits() {}

    /** Adds the allocations for these teams to a shared cluster's config. */
    public static ClusterConfig apply(
            ClusterConfig config, List<TeamQuota> teams, int defaultMaxPercent, String queuePrefix) {
        String xml = allocations(teams, defaultMaxPercent, queuePrefix);
        String encoded = Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
        config.withClusterConfigurations("yarn-site", Map.of("yarn.scheduler.fair.allocation.file", ALLOCATION_FILE));
        // Base64, so no quoting of the XML can break out of the shell command.
        config.withBootstrapAction(
                BOOTSTRAP_NAME,
                "file:/bin/bash",
                "-c",
                "sudo mkdir -p /etc/platy && echo " + encoded + " | base64 -d | sudo tee " + ALLOCATION_FILE
                        + " > /dev/null");
        return config;
    }

    /** The fair scheduler's allocations file for these teams (see {@link YarnAllocations}). */
    public static String allocations(List<TeamQuota> teams, int defaultMaxPercent, String queuePrefix) {
        return YarnAllocations.xml(teams, defaultMaxPercent, queuePrefix);
    }
}
