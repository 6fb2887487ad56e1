package io.platyspark.core.app;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What the store asks about a team's quotas while it admits and dispatches apps. Both calls run inside the store's
 * own transaction, so a limit is judged against what that transaction sees.
 */
public interface TeamLimits {

    /** No limits: every app admitted, every team with share 1. */
    TeamLimits NONE = new TeamLimits() {
        @Override
        public void admit(String team) {}

        @Override
        public Map<String, Dispatch> dispatch(Collection<String> teams) {
            return Map.of();
        }
    };

    /**
     * Throws when the team may not store another app now (active apps or submissions per minute at their quota).
     * Called in the transaction that stores the app; it serializes the team's admissions so that two replicas
     * never both take the last slot.
     */
    void admit(String team);

    /**
     * Runs {@code store}, the transaction that admits and stores one of the team's apps. An implementation may
     * queue a team's concurrent submits here, before they take a database connection, so that a burst from one
     * team waiting on its own admission lock cannot hold every connection another team needs.
     */
    default <T> T admitting(String team, java.util.function.Supplier<T> store) {
        return store.get();
    }

    /** The weight and running limits of each of these teams; a team left out has share 1 and no limit. */
    Map<String, Dispatch> dispatch(Collection<String> teams);

    /**
     * @param share      apps the team gets in each round of the worker's round-robin
     * @param maxRunning apps of the team on the backend at once, per cluster kind ({@code SHARED}, ...)
     */
    record Dispatch(int share, Map<String, Integer> maxRunning) {

        public static final Dispatch DEFAULT = new Dispatch(1, Map.of());

        public OptionalInt maxRunning(String clusterKind) {
            Integer max = clusterKind == null ? null : maxRunning.get(clusterKind);
            return max == null ? OptionalInt.empty() : OptionalInt.of(max);
        }
    }
}
