package io.platyspark.server.app;

import java.util.List;

/** A page of apps, newest first; pass {@code nextCursor} as {@code cursor} for the next page. */
record AppListResponse(List<AppResponse> items, String nextCursor) {}
