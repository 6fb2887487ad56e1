package io.platyspark.aws.emr;

import java.util.ArrayList;
import java.util.List;

/**
 * The master, core and task fleets of a cluster, as the seed's {@code with_instance_fleets(...)} describes them:
 * instance types with weights, on-demand and spot targets, EBS volumes per node, and launch specifications.
 */
public record InstanceFleets(
        List<String> masterInstances,
        InstanceWeightRatio coreInstancesAndWeights,
        InstanceWeightRatio taskInstancesAndWeights,
        int coreTargetOnDemandCapacity,
        int coreTargetSpotCapacity,
        int taskTargetOnDemandCapacity,
        int taskTargetSpotCapacity,
        int volumeSizeInGbMaster,
        int volumeSizeInGbWorker,
        int numberOfVolumesPerNode,
        LaunchSpecifications launchSpecifications) {

    public InstanceFleets {
        masterInstances = List.copyOf(masterInstances);
        coreInstancesAndWeights = coreInstancesAndWeights == null ? new InstanceWeightRatio() : coreInstancesAndWeights;
        taskInstancesAndWeights = taskInstancesAndWeights == null ? new InstanceWeightRatio() : taskInstancesAndWeights;
        launchSpecifications = launchSpecifications == null ? new LaunchSpecifications() : launchSpecifications;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction with the seed's parameter names. */
    public static final class Builder {
        private final List<String> masterInstances = new ArrayList<>();
        private InstanceWeightRatio core;
        private InstanceWeightRatio task;
        private int coreOnDemand = 1;
        private int coreSpot;
        private int taskOnDemand;
        private int taskSpot;
        private int masterVolume = 64;
        private int workerVolume = 128;
        private int volumesPerNode = 1;
        private LaunchSpecifications launch;

        public Builder masterInstances(String... types) {
            masterInstances.addAll(List.of(types));
            return this;
        }

        public Builder coreInstancesAndWeights(InstanceWeightRatio ratio) {
            this.core = ratio;
            return this;
        }

        public Builder taskInstancesAndWeights(InstanceWeightRatio ratio) {
            this.task = ratio;
            return this;
        }

        public Builder coreTargetOnDemandCapacity(int capacity) {
            this.coreOnDemand = capacity;
            return this;
        }

        public Builder coreTargetSpotCapacity(int capacity) {
            this.coreSpot = capacity;
            return this;
        }

        public Builder taskTargetOnDemandCapacity(int capacity) {
            this.taskOnDemand = capacity;
            return this;
        }

        public Builder taskTargetSpotCapacity(int capacity) {
            this.taskSpot = capacity;
            return this;
        }

        public Builder volumeSizeInGbMaster(int gb) {
            this.masterVolume = gb;
            return this;
        }

        public Builder volumeSizeInGbWorker(int gb) {
            this.workerVolume = gb;
            return this;
        }

        public Builder numberOfVolumesPerNode(int volumes) {
            this.volumesPerNode = volumes;
            return this;
        }

        public Builder launchSpecifications(LaunchSpecifications launch) {
            this.launch = launch;
            return this;
        }

        public InstanceFleets build() {
            return new InstanceFleets(
                    masterInstances,
                    core,
                    task,
                    coreOnDemand,
                    coreSpot,
                    taskOnDemand,
                    taskSpot,
                    masterVolume,
                    workerVolume,
                    volumesPerNode,
                    launch);
        }
    }
}
