package io.platyspark.core.backend;

import io.platyspark.core.cluster.Cluster;
import java.util.Optional;

/**
 * Where a cluster's Spark apps write their event logs (the per-cluster prefix the platform set at its creation),
 * one per backend family that creates clusters.
 */
public interface EventLogLocator {

    /** The cluster's event-log directory, when this locator knows the cluster. */
    Optional<EventLogDirectory> directory(Cluster cluster);
}
