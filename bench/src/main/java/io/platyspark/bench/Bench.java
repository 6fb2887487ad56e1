package io.platyspark.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs every benchmark side by side with its baseline and writes the table to {@code docs/benchmarks.md}.
 * {@code --smoke} runs tiny sizes (the test suite does, to keep the bench working); the default sizes are the
 * issue's (1,000,000 stored apps with 4,000,000 events, 10 Livys of 10,000 batches, 200,000 active apps for the
 * watchdog, 500 clusters).
 */
public final class Bench {

    /** How big each scenario is. */
    record Sizes(
            String name,
            int smallStore,
            int storeApps,
            int listRequests,
            int footprintRequests,
            int trackedApps,
            int retainedBatches,
            int emrClusters,
            int recoveryApps,
            int rounds,
            int perRoundOne,
            int perRoundSixteen,
            int realLivyPerRound,
            int watchdogApps) {

        /**
         * Each quoted p99 rests on at least 1,000 samples (10 beyond it): 2,000 list and get requests, 2,000 and
         * 20,000 submits at 1 and 16 connections. Real Livy forks a spark-submit per batch: 50 samples, p50/p90. A
         * round at 16 connections sends 2,000 submits, about two seconds of sustained load: with 500 (half a
         * second) a round's start (threads, connections) and its tail (fewer than 16 in flight) were a
         * noticeable part of the accepted/s it timed.
         */
        static final Sizes FULL =
                new Sizes("full", 10_000, 1_100_000, 2_000, 4_000, 10_000, 10_000, 500, 30, 10, 200, 2_000, 5, 200_000);

        static final Sizes SMOKE = new Sizes("smoke", 200, 2_000, 20, 40, 200, 100, 60, 6, 2, 10, 20, 2, 2_000);
    }

    private Bench() {}

    public static void main(String[] args) throws Exception {
        List<String> options = List.of(args);
        Sizes sizes = options.contains("--smoke") ? Sizes.SMOKE : Sizes.FULL;
        Path repo = Path.of(System.getProperty("platy.repo.root", "."))
                .toAbsolutePath()
                .normalize();
        // --only=emr runs one scenario (a partial table is never written over the page)
        String only = options.stream()
                .filter(o -> o.startsWith("--only="))
                .map(o -> o.substring(7))
                .findFirst()
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
        BenchDatabase.startServer();
        Report report = new Report(sizes.name());
        CpuReference.measure(report, "at the start");
        switch (scenario) {
            case "submission" -> SubmitScenario.run(sizes, report, repo);
            case "tracking" -> TrackingScenario.run(sizes, report);
            case "watchdog" -> WatchdogMemoryScenario.run(sizes, report, repo);
            case "emr" -> EmrScenario.run(sizes, report);
            case "eks-tracking" -> JobRunTrackingScenario.run(sizes, report);
            case "store" -> StoreScenario.run(sizes, report, repo);
            case "footprint" -> FootprintScenario.run(sizes, report, repo);
            case "fairshare" -> FairShareScenario.run(sizes, report, repo);
            case "eventlog" -> EventLogScenario.run(sizes, report);
            default ->
                throw new IllegalArgumentException("--only=" + scenario + ": use submission, tracking, "
                        + "watchdog, emr, eks-tracking, store, footprint, fairshare or eventlog");
        }
        CpuReference.measure(report, "at the end");
        report.notesToConsole();
        return report;
    }

    static Report run(Sizes sizes, Path repo) throws Exception {
        BenchDatabase.startServer();
        Report report = new Report(sizes.name());
        CpuReference.measure(report, "at the start");
        long start = System.nanoTime();
        SubmitScenario.run(sizes, report, repo);
        TrackingScenario.run(sizes, report);
        WatchdogMemoryScenario.run(sizes, report, repo);
        EmrScenario.run(sizes, report);
        JobRunTrackingScenario.run(sizes, report);
        StoreScenario.run(sizes, report, repo);
        FootprintScenario.run(sizes, report, repo);
        RecoveryScenario.run(sizes, report, repo);
        MaskingScenario.run(report);
        FairShareScenario.run(sizes, report, repo);
        EventLogScenario.run(sizes, report);
        CpuReference.measure(report, "at the end");
        report.note(String.format("Whole run: %.0f s.", (System.nanoTime() - start) / 1e9));
        return report;
    }
}
