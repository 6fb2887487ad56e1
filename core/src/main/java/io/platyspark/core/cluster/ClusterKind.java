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
    LOCAL,
    /** An EMR on EKS virtual cluster (a namespace of an EKS cluster): apps are job runs, no Livy. */
    EKS,
    /** An EMR Serverless application: apps are job runs on capacity AWS starts and stops. */
    SERVERLESS
}
