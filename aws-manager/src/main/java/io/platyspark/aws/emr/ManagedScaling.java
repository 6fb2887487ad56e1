package io.platyspark.aws.emr;

/**
 * EMR managed scaling of a cluster's instance fleets, in fleet capacity units: EMR grows and shrinks the core and
 * task fleets between {@code minimumCapacityUnits} and {@code maximumCapacityUnits} with the YARN load.
 *
 * @param maximumOnDemandCapacityUnits the most capacity bought on demand (the rest is spot)
 * @param maximumCoreCapacityUnits     the most capacity in the core fleet (HDFS nodes, slow to remove)
 */
public record ManagedScaling(
        int minimumCapacityUnits,
        int maximumCapacityUnits,
        int maximumOnDemandCapacityUnits,
        int maximumCoreCapacityUnits) {}
