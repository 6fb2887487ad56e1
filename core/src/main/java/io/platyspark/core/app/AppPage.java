package io.platyspark.core.app;

import java.util.List;

/** One page of apps; {@code nextCursor} is null on the last page. */
public record AppPage(List<SparkApp> items, String nextCursor) {}
