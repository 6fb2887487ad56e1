package io.platyspark.bench;

import io.platyspark.core.SecretRedactor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Secret masking, which every response showing an app goes through: a 1 MB value (the shape that made the old
 * backtracking URL pattern take minutes: letters without "://", then URLs with and without passwords), and the
 * issue's app of 100 conf values of 8 KB. Baseline: one lower-casing pass over the same characters, the least any
 * scan of them costs.
 */
final class MaskingScenario {

    private static final int RUNS = 21;

    private MaskingScenario() {}

    private static volatile int sink;

    static void run(Report report) {
        String letters = "a".repeat(500_000);
        StringBuilder urls = new StringBuilder(letters);
        while (urls.length() < 1_000_000) {
            urls.append(" hdfs://alice:pw@nn/a.py s3a://k:")
                    .append("x".repeat(100))
                    .append(" password=p&u=1");
        }
        String value = urls.substring(0, 1_000_000);
        double ours = medianMillis(() -> SecretRedactor.redactValue(value));
        double floor = medianMillis(() -> value.toLowerCase(Locale.ROOT));
        report.add(
                "masking, one 1 MB value",
                "time to mask (median of " + RUNS + ")",
                ours,
                floor,
                "ms",
                "one lower-casing pass over it");

        Map<String, String> conf = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            conf.put("spark.app.setting" + i, "ab://" + "c".repeat(4_000) + ":" + "d".repeat(4_000));
        }
        String all = String.join("", conf.values());
        double app = medianMillis(() -> SecretRedactor.redact(conf));
        double appFloor = medianMillis(() -> all.toLowerCase(Locale.ROOT));
        report.add(
                "masking, app with 100 × 8 KB conf",
                "time to mask the view (median of " + RUNS + ")",
                app,
                appFloor,
                "ms",
                "one lower-casing pass over it");
        report.note("Masking: SecretRedactor scans each value once, left to right, with bounded look-backs (no "
                + "regular expressions); before, one GET of the 100 × 8 KB app took 136 s.");
    }

    /**
     * Every result is folded into {@link #sink}, so the JIT cannot drop a call whose result nobody reads (the floor's
     * lower-casing was such a call until Error Prone said so).
     */
    private static double medianMillis(Supplier<?> work) {
        double[] times = new double[RUNS];
        for (int i = 0; i < 5; i++) {
            sink ^= work.get().hashCode(); // warm-up
        }
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            sink ^= work.get().hashCode();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        return times[RUNS / 2];
    }
}
