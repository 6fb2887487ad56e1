package io.platyspark.livy;

import java.util.List;

/**
 * A page of a batch's log. Livy keeps only its last {@code livy.cache-log.size} lines (200 by default), so
 * offsets shift once that buffer wraps.
 */
public record BatchLog(long id, int from, int total, List<String> log) {

    public BatchLog {
        log = log == null ? List.of() : List.copyOf(log);
    }
}
