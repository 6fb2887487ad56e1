package io.platyspark.core.cluster;

/** What a cluster is for, which decides who may use it and how it is created and cleaned up. */
public enum ClusterKind {
    /** Multi-team cluster; apps run in their team's queue. */
    SHARED,
    /** Built for one team from its own ClusterConfig; terminated when idle. */
    DEDICATED,
    /** For development from an IDE. */
    DEV,
    /** The embedded default: Spark in local mode on the server's machine. */
    LOCAL
}
