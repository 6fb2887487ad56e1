package io.platyspark.livy;

import java.util.List;

/** One page of {@code GET /batches}: {@code total} counts every batch Livy holds, not this page. */
public record BatchPage(int from, int total, List<Batch> sessions) {

    public BatchPage {
        sessions = sessions == null ? List.of() : List.copyOf(sessions);
    }
}
