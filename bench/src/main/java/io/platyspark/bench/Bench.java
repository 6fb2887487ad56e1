package io.platyspark.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs every benchmark side by side with its baseline and writes the table to {@code docs/benchmarks.md}.
 * {@code --smoke} runs tiny sizes (the test suite does, to keep the bench working); the default sizes are the
 * issue's (1,000,000 stored apps, 10,000 tracked apps, 500 clusters).
 */
public final class Bench {

    /** How big each scenario is. */
    record Sizes(String name, int smallStore, int storeApps, int listRequests, int submitRequests,
            int footprintRequests, int submissions, int trackedApps, int emrClusters, int recoveryApps) {

        static final Sizes FULL = new Sizes("full", 10_000, 1_100_000, 300, 400, 4_000, 200, 10_000, 500, 30);
        static final Sizes SMOKE = new Sizes("smoke", 200, 2_000, 20, 20, 40, 8, 200, 60, 6);
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> options = List.of(args);
        Sizes sizes = options.contains("--smoke") ? Sizes.SMOKE : Sizes.FULL;
        Path repo = Path.of(System.getProperty("platy.repo.root", ".")).toAbsolutePath().normalize();
        // --only=emr runs one scenario (a partial table is never written over the page)
        String only = options.stream().filter(o -> o.startsWith("--only=")).map(o -> o.substring(7)).findFirst()
                .orElse(null);
        Path out = options.contains("--no-write") || only != null ? null : repo.resolve("docs/benchmarks.md");
        Report report = only == null ? run(sizes, repo) : runOnly(only, sizes, repo);
        if (out != null) {
            report.write(out);
            System.out.println("wrote " + out);
        }
        System.exit(0);
    }

    static Report runOnly(String scenario, Sizes sizes, Path repo) throws Exception {
        Report report = new Report(sizes.name());
        switch (scenario) {
            case "submission" -> LivyScenarios.submissionOverhead(sizes, report);
            case "tracking" -> LivyScenarios.trackingCost(sizes, report);
            case "emr" -> EmrScenario.run(sizes, report);
            case "eks-tracking" -> JobRunTrackingScenario.run(sizes, report);
            case "store" -> StoreScenario.run(sizes, report);
            case "footprint" -> FootprintScenario.run(sizes, report, repo);
            case "fairshare" -> FairShareScenario.run(sizes, report, repo);
            case "eventlog" -> EventLogScenario.run(sizes, report);
            default -> throw new IllegalArgumentException("--only=" + scenario + ": use submission, tracking, emr, "
                    + "eks-tracking, store, footprint, fairshare or eventlog");
        }
        report.notesToConsole();
        return report;
    }

    static Report run(Sizes sizes, Path repo) throws Exception {
        Report report = new Report(sizes.name());
        long start = System.nanoTime();
        LivyScenarios.submissionOverhead(sizes, report);
        LivyScenarios.trackingCost(sizes, report);
        EmrScenario.run(sizes, report);
        JobRunTrackingScenario.run(sizes, report);
        StoreScenario.run(sizes, report);
        FootprintScenario.run(sizes, report, repo);
        RecoveryScenario.run(sizes, report, repo);
        MaskingScenario.run(report);
        FairShareScenario.run(sizes, report, repo);
        EventLogScenario.run(sizes, report);
        report.note(String.format("Whole run: %.0f s.", (System.nanoTime() - start) / 1e9));
        return report;
    }
}
