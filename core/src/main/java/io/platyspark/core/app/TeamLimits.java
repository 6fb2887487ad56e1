package io.platyspark.core.app;

import java.time.Duration;
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
        public Admission admit(String team, int wanted) {
            return Admission.all(wanted);
        }

        @Override
        public Map<String, Dispatch> dispatch(Collection<String> teams) {
            return Map.of();
        }
    };

    /**
     * How many of {@code wanted} new apps of the team may be stored now (active apps and submissions per minute
     * against their quotas). Called in the transaction that stores them; it serializes the team's admissions so
     * that two replicas never both take the last slot.
     */
    Admission admit(String team, int wanted);

    /**
     * How long a submit waits on this server for the team's earlier submits to be stored (they are stored a
     * group at a time per team, see {@link JdbcSparkAppStore}) before it is refused with {@link #busy(String)}.
     */
    default Duration admissionWait() {
        return Duration.ofSeconds(10);
    }

    /** The refusal of a submit that waited {@link #admissionWait()} in vain (429, nothing stored). */
    default RuntimeException busy(String team) {
        return new AdmissionRefusedException(
                "concurrentSubmits",
                "team '" + team + "' has more submits in flight than this server stores in "
                        + admissionWait().toMillis() + " ms; send fewer at once and retry after Retry-After",
                Duration.ofSeconds(1));
    }

    /**
     * @param admitted how many of the wanted apps may be stored, in the order they arrived
     * @param refusal  what the others are told; null when all were admitted
     */
    record Admission(int admitted, RuntimeException refusal) {

        public Admission {
            if (admitted < 0) {
                throw new IllegalArgumentException("admitted must be at least 0");
            }
        }

        public static Admission all(int wanted) {
            return new Admission(wanted, null);
        }
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
