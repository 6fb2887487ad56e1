package io.platyspark.livy;

/** {@code GET /batches/{id}/state}. */
public record BatchStateResponse(long id, BatchState state) {}
