package io.platyspark.core.backend;

import java.util.List;

/**
 * A page of log lines.
 *
 * @param from  the index of the first line in this page
 * @param total how many lines the backend holds now; the next page starts at {@code from + lines.size()}
 */
public record LogPage(int from, int total, List<LogLine> lines) {

    public LogPage {
        lines = List.copyOf(lines);
    }

    public static LogPage empty(int from) {
        return new LogPage(from, 0, List.of());
    }
}
