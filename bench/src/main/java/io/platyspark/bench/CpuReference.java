package io.platyspark.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fixed piece of CPU work timed on one thread, so that runs on other days or machines can be set side by side: on
 * a shared host the same cores run slower while its neighbours are busy, and the load average, which counts only
 * this machine's own tasks, does not show it.
 */
final class CpuReference {

    static final int LONGS = 1_000_000;
    private static final int WARM_UPS = 3;
    private static final int TIMED = 7;

    private CpuReference() {}

    /** Adds the reference's time as a figure of its own, with the machine's load beside it. */
    static void measure(Report report, String when) {
        report.figure(
                "machine", "reference CPU work " + when + ": sorting 1,000,000 longs, one thread", sortMillis(), "ms");
    }

    /** The median of {@value #TIMED} sorts of the same pseudo-random longs (a fixed seed), after warm-ups, in ms. */
    static double sortMillis() {
        long[] source = new SplittableRandom(25).longs(LONGS).toArray();
        long[] nanos = new long[TIMED];
        for (int i = -WARM_UPS; i < TIMED; i++) {
            long[] copy = source.clone();
            long start = System.nanoTime();
            Arrays.sort(copy);
            long took = System.nanoTime() - start;
            if (copy[0] > copy[LONGS - 1]) {
                throw new IllegalStateException("the reference sort did not sort");
            }
            if (i >= 0) {
                nanos[i] = took;
            }
        }
        Arrays.sort(nanos);
        return nanos[TIMED / 2] / 1e6;
    }
}
