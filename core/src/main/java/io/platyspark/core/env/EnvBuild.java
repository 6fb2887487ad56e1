package io.platyspark.core.env;

import java.time.Instant;
import java.util.UUID;

/**
 * A Python environment build and its outcome.
 *
 * @param uri   where the packed environment is (artifact store), once READY
 * @param error why it FAILED, in a line (pip's reason)
 * @param log   the end of the build's output
 */
public record EnvBuild(
        UUID id,
        String cacheKey,
        String team,
        EnvSpec spec,
        State state,
        String uri,
        Long sizeBytes,
        Long durationMs,
        String log,
        String error,
        Instant createdAt,
        Instant updatedAt) {

    /** How the error of a build begins when the process building it stopped before it finished. */
    public static final String ABANDONED = "abandoned:";

    /** A build that FAILED because nobody was building it any more, not because of its requirements. */
    public boolean abandoned() {
        return state == State.FAILED && error != null && error.startsWith(ABANDONED);
    }

    /** A build's life: QUEUED → BUILDING → READY or FAILED. */
    public enum State {
        QUEUED,
        BUILDING,
        READY,
        FAILED;

        public boolean finished() {
            return this == READY || this == FAILED;
        }

        public static java.util.Set<State> finishedStates() {
            return java.util.EnumSet.of(READY, FAILED);
        }

        public static java.util.Set<State> unfinishedStates() {
            return java.util.EnumSet.complementOf(java.util.EnumSet.copyOf(finishedStates()));
        }
    }
}
