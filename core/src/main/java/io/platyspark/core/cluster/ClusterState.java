package io.platyspark.core.cluster;

import java.util.EnumSet;
import java.util.Set;

/** A cluster's state, in EMR's words; the other backends map onto them. */
public enum ClusterState {
    STARTING,
    BOOTSTRAPPING,
    RUNNING,
    WAITING,
    TERMINATING,
    TERMINATED,
    TERMINATED_WITH_ERRORS;

    private static final Set<ClusterState> READY = EnumSet.of(RUNNING, WAITING);
    private static final Set<ClusterState> TERMINATED_STATES = EnumSet.of(TERMINATED, TERMINATED_WITH_ERRORS);

    /** Accepts apps now. */
    public boolean isReady() {
        return READY.contains(this);
    }

    /** Gone for good; its name is free for a new cluster. */
    public boolean isTerminated() {
        return TERMINATED_STATES.contains(this);
    }

    /** Will not accept apps any more, though it may not be gone yet. */
    public boolean isEnding() {
        return this == TERMINATING || isTerminated();
    }

    /** The states a cluster takes apps in. */
    public static Set<ClusterState> readyStates() {
        return EnumSet.copyOf(READY);
    }

    public static Set<ClusterState> terminatedStates() {
        return EnumSet.copyOf(TERMINATED_STATES);
    }
}
