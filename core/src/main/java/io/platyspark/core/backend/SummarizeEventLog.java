package io.platyspark.core.backend;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Map;

/**
 * Summarises one app's event log from the command line, and says what it cost: {@code java -cp ...
 * io.platyspark.core.backend.SummarizeEventLog <event-log dir> <spark app id>}. The memory test and bin/bench run
 * it in a JVM with a small fixed heap; ops can run it on a log the platform could not summarise.
 * Prints one line per metric ({@code name=value}), then {@code elapsedMs=} and {@code peakHeapBytes=}.
 */
public final class SummarizeEventLog {

    private SummarizeEventLog() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SummarizeEventLog <event-log directory> <spark app id>");
            System.exit(2);
        }
        long start = System.nanoTime();
        var summary = SparkEventLogMetrics.summarize(EventLogDirectory.local(Path.of(args[0])), args[1]);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        if (summary.isEmpty()) {
            System.err.println("no event log of " + args[1] + " in " + args[0]);
            System.exit(1);
        }
        System.out.println("log=" + summary.get().logName());
        System.out.println("complete=" + summary.get().complete());
        for (Map.Entry<String, Long> e : summary.get().metrics().entrySet()) {
            System.out.println(e.getKey() + "=" + e.getValue());
        }
        System.out.println("elapsedMs=" + elapsed);
        System.out.println("peakHeapBytes=" + peakHeap());
        System.out.println("maxHeapBytes=" + Runtime.getRuntime().maxMemory());
    }

    /** The most heap in use at once during the run, summed over the heap's pools. */
    static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
