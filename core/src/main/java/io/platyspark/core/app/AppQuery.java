package io.platyspark.core.app;

import java.util.Set;

/**
 * A filter and a page position for listing apps, newest first.
 *
 * @param cursor opaque position from the previous page's {@link AppPage#nextCursor()}, or null for the first page
 */
public record AppQuery(String clusterName, String team, Set<AppState> states, String cursor, int limit) {

    public static final int MAX_LIMIT = 500;

    public AppQuery {
        states = states == null ? Set.of() : Set.copyOf(states);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }
}
