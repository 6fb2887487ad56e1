package io.platyspark.core.backend;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages lines read from one stream after another (a driver's stdout, then its stderr), numbered as one sequence,
 * keeping at most one page in memory however long the log is: lines before {@code from} are counted and dropped,
 * and for a negative {@code from} (the last {@code size} lines) a ring of {@code size} lines is kept.
 */
public final class LinePager {

    private final int from;
    private final int size;
    private final List<LogLine> page = new ArrayList<>();
    private final ArrayDeque<LogLine> tail = new ArrayDeque<>();
    private int total;

    public LinePager(int from, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
        this.from = from;
        this.size = size;
    }

    /** Reads every line of {@code reader} as the next lines of {@code stream}; closes it. */
    public LinePager add(LogStream stream, BufferedReader reader) throws IOException {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                add(new LogLine(stream, line));
            }
        }
        return this;
    }

    private void add(LogLine line) {
        if (from < 0) {
            if (tail.size() == size) {
                tail.removeFirst();
            }
            tail.addLast(line);
        } else if (total >= from && page.size() < size) {
            page.add(line);
        }
        total++;
    }

    /** The page, numbered from the first line added. */
    public LogPage page(String source) {
        if (from < 0) {
            return new LogPage(total - tail.size(), total, List.copyOf(tail), source);
        }
        return new LogPage(from, total, page, source);
    }
}
