package io.platyspark.bench;

import io.platyspark.backend.aws.eks.JobRunTracking;
import java.util.Locale;

/**
 * The EMR on EKS tracking bill: 1,000 running apps on 5 virtual clusters (smoke: 50), tracked by the real
 * reconciler over the real store against moto, with every EMR call counted at the SDK. Ours is the ListJobRuns
 * pages of one walk per virtual cluster; the baseline is one DescribeJobRun per app per cycle, as a per-task sensor
 * polls.
 */
final class JobRunTrackingScenario {

    static final int CLUSTERS = 5;

    private JobRunTrackingScenario() {}

    static void run(Bench.Sizes sizes, Report report) {
        int apps = "smoke".equals(sizes.name()) ? 50 : 1_000;
        try (JobRunTracking tracking = new JobRunTracking(apps, CLUSTERS)) {
            tracking.cycle(); // the first cycle writes every app's RUNNING; the steady one is measured
            JobRunTracking.Cycle cycle = tracking.cycle();
            int maxWalks = cycle.walksPerVirtualCluster().values().stream()
                    .mapToInt(Integer::intValue)
                    .max()
                    .orElse(0);
            if (maxWalks > 1
                    || cycle.describes() > 0
                    || cycle.walksPerVirtualCluster().size() != CLUSTERS) {
                throw new IllegalStateException("EKS tracking broke its budget: walks " + cycle.walksPerVirtualCluster()
                        + ", " + cycle.describes() + " DescribeJobRun calls");
            }
            String scenario = "EKS tracking (" + apps + " apps, " + CLUSTERS + " VCs)";
            report.add(
                    scenario,
                    "EMR calls per watchdog cycle",
                    cycle.listPages() + cycle.describes() + cycle.otherCalls(),
                    apps,
                    "calls",
                    "DescribeJobRun per app");
            report.add(
                    scenario,
                    "EMR calls per virtual cluster per cycle",
                    cycle.listPages() / (double) CLUSTERS,
                    apps / (double) CLUSTERS,
                    "calls",
                    "DescribeJobRun per app");
            report.note(String.format(
                    Locale.ROOT,
                    "EKS tracking: %d apps on %d virtual clusters, one cycle: %s "
                            + "walks per virtual cluster, %d ListJobRuns pages, %d DescribeJobRun, %.0f ms (moto and the "
                            + "embedded PostgreSQL on this machine).",
                    apps,
                    CLUSTERS,
                    cycle.walksPerVirtualCluster().values(),
                    cycle.listPages(),
                    cycle.describes(),
                    cycle.took().toNanos() / 1e6));
        }
    }
}
