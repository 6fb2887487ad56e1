package io.platyspark.core.app;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a {@link SparkApp}. Terminal states are final: nothing moves an app out of them.
 */
public enum AppState {
    /** Accepted and stored; waiting for the submission worker. */
    PENDING,
    /**
     * Waiting for a running slot: its team already runs as many apps on the cluster's kind as its quota allows.
     * The worker takes it as soon as one of them ends.
     */
    QUEUED,
    /** The target cluster exists but is not ready yet. */
    WAITING_FOR_CLUSTER,
    /** The app's Python environment is being built. */
    BUILDING_ENV,
    /** The backend accepted the app. */
    SUBMITTED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    KILLED,
    /** The backend forgot the app and nothing else says how it ended. */
    LOST;

    private static final Set<AppState> TERMINAL = EnumSet.of(SUCCEEDED, FAILED, KILLED, LOST);
    private static final Set<AppState> NOT_YET_SUBMITTED =
            EnumSet.of(PENDING, QUEUED, WAITING_FOR_CLUSTER, BUILDING_ENV);
    private static final Set<AppState> ON_BACKEND = EnumSet.of(SUBMITTED, RUNNING);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    public boolean isActive() {
        return !isTerminal();
    }

    /** Still in the platform's hands: the backend has not seen it. */
    public boolean isNotYetSubmitted() {
        return NOT_YET_SUBMITTED.contains(this);
    }

    /** The backend holds it; the reconciler tracks it. */
    public boolean isOnBackend() {
        return ON_BACKEND.contains(this);
    }

    public static Set<AppState> activeStates() {
        return EnumSet.complementOf(EnumSet.copyOf(TERMINAL));
    }

    public static Set<AppState> terminalStates() {
        return EnumSet.copyOf(TERMINAL);
    }

    public static Set<AppState> onBackendStates() {
        return EnumSet.copyOf(ON_BACKEND);
    }

    public static Set<AppState> notYetSubmittedStates() {
        return EnumSet.copyOf(NOT_YET_SUBMITTED);
    }
}
