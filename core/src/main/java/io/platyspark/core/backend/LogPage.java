package io.platyspark.core.backend;

import java.util.List;

/**
 * A page of log lines.
 *
 * @param from   the index of the first line in this page
 * @param total  how many lines the source holds now; the next page starts at {@code from + lines.size()}
 * @param lines  the lines
 * @param source where they come from: {@link #ARCHIVE} for the durable copy a cluster left (its lines are numbered
 *               on their own), else the backend that serves them while its cluster lives ({@code livy},
 *               {@code local}); null until the service that asked the backend fills it in
 */
public record LogPage(int from, int total, List<LogLine> lines, String source) {

    /** The durable copy of the logs (S3), which outlives the cluster. */
    public static final String ARCHIVE = "archive";

    public LogPage {
        lines = List.copyOf(lines);
    }

    public LogPage(int from, int total, List<LogLine> lines) {
        this(from, total, lines, null);
    }

    public static LogPage empty(int from) {
        return new LogPage(from, 0, List.of());
    }

    /** This page said to come from {@code source}, unless it already says where it comes from. */
    public LogPage withSource(String source) {
        return this.source != null ? this : new LogPage(from, total, lines, source);
    }
}
