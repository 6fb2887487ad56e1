package io.platyspark.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * A set of enum states as an SQL list literal, such as {@code ('TERMINATED', 'TERMINATED_WITH_ERRORS')}, so that every
 * statement naming a set of states takes it from the enum that defines it. Rendered into the statement's text rather
 * than bound: the planner matches a partial index (the queue, the purge, the one-active-cluster-per-name rule) only
 * against a literal list, and {@code on conflict … where} infers its index only from one. Enum names are
 * identifiers, so nothing a user sends ever reaches this text.
 */
public final class SqlStates {

    private SqlStates() {}

    /** The states in declaration order, quoted, in parentheses. */
    public static <E extends Enum<E>> String list(Collection<E> states) {
        if (states.isEmpty()) {
            throw new IllegalArgumentException("an empty state set has no SQL list");
        }
        return states.stream()
                .sorted(Comparator.comparingInt(Enum::ordinal))
                .map(s -> "'" + s.name() + "'")
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
