package io.platyspark.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds and the figures the report shows. */
final class Percentiles {

    private final long[] sorted;

    Percentiles(long[] nanos) {
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    double p50Ms() {
        return at(0.50);
    }

    double p90Ms() {
        return at(0.90);
    }

    double p99Ms() {
        return at(0.99);
    }

    int count() {
        return sorted.length;
    }

    private double at(double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1_000_000.0;
    }
}
