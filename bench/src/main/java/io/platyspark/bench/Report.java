package io.platyspark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark table: each figure beside its baseline and their ratio, plus the machine and date. */
final class Report {

    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> goals = new ArrayList<>();
    private final String sizes;

    Report(String sizes) {
        this.sizes = sizes;
    }

    /** A measured figure where lower is better (latency, calls, memory), beside its baseline. */
    void add(String scenario, String metric, double ours, double baseline, String unit, String baselineName) {
        add(scenario, metric, ours, baseline, unit, baselineName, false);
    }

    /** A measured figure beside its baseline; the ratio is always "how many times better ours is". */
    void add(
            String scenario,
            String metric,
            double ours,
            double baseline,
            String unit,
            String baselineName,
            boolean higherIsBetter) {
        double ratioValue = higherIsBetter ? ours / baseline : baseline / ours;
        String ratio = Double.isNaN(ours) || Double.isNaN(baseline) || ours == 0 || baseline == 0
                ? "–"
                : String.format(Locale.ROOT, "%.2f×", ratioValue);
        String load = loadAverage();
        rows.add(new String[] {
            scenario, metric, fmt(ours) + " " + unit, fmt(baseline) + " " + unit, baselineName, ratio, load
        });
        System.out.printf(
                Locale.ROOT,
                "%-28s %-40s %14s %14s  %-6s load %s%n",
                scenario,
                metric,
                fmt(ours) + " " + unit,
                fmt(baseline) + " " + unit,
                ratio,
                load);
    }

    /** A measured figure with no baseline to set it against (a goal's figure, a size, a duration). */
    void figure(String scenario, String metric, double value, String unit) {
        add(scenario, metric, value, Double.NaN, unit, "–");
    }

    /**
     * The machine's 1, 5 and 15 minute load averages as the figure is added: the machine is shared, and a figure
     * means little without what else ran beside it.
     */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** A goal of issue 25 and the figure this run measured for it, for the closing note. */
    void goal(String goal, String measured, boolean met) {
        goals.add((met ? "met" : "**not met**") + " — " + goal + ": " + measured + " (load " + loadAverage() + ")");
        System.out.println("goal " + (met ? "met" : "NOT met") + ": " + goal + ": " + measured);
    }

    void note(String note) {
        notes.add(note);
    }

    void notesToConsole() {
        notes.forEach(note -> System.out.println("- " + note));
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `bin/bench` (")
                .append(sizes)
                .append(" sizes) on ")
                .append(LocalDate.now())
                .append(". Every figure was measured in the same run as its baseline; the ratio says how many times ")
                .append("better ours is (above 1: cheaper or faster; below 1: the cost the platform adds). ")
                .append("*load* is the machine's 1, 5 and 15 minute load average when the figure was taken (the ")
                .append("machine is shared: read a figure with its load). The two *machine* rows time the same CPU ")
                .append(
                        "work at the start and at the end of the run: a host whose neighbours are busy runs it slower, ")
                .append("which the load does not show; compare them before comparing runs. Rerun `bin/bench` to ")
                .append("refresh this page.\n\n");
        md.append("Machine: ").append(machine()).append("\n\n");
        md.append("| scenario | metric | PlatySpark | baseline | baseline is | ratio | load |\n");
        md.append("| --- | --- | ---: | ---: | --- | ---: | --- |\n");
        for (String[] row : rows) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        if (!notes.isEmpty()) {
            md.append("\n");
            notes.forEach(n -> md.append("- ").append(n).append("\n"));
        }
        if (!goals.isEmpty()) {
            md.append("\n## Goals (issue 25), from this run\n\n");
            goals.forEach(g -> md.append("- ").append(g).append("\n"));
        }
        return md.toString();
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown());
    }

    private static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e12) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        long memoryGb = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize()
                >> 30;
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memoryGb + " GB RAM, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                + System.getProperty("java.version");
    }
}
