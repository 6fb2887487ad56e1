package io.platyspark.aws.emr;

/**
 * How EMR fills a fleet: spot allocation strategy and what to do when spot capacity does not come in time, and the
 * on-demand allocation strategy. The defaults are EMR's recommended ones.
 */
public record LaunchSpecifications(
        String spotAllocationStrategy,
        int spotTimeoutMinutes,
        String spotTimeoutAction,
        String onDemandAllocationStrategy) {

    public LaunchSpecifications() {
        this("capacity-optimized", 20, "SWITCH_TO_ON_DEMAND", "lowest-price");
    }
}
