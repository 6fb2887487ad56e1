package io.platyspark.aws.emr;

import java.util.Map;

/**
 * The platform's shared cluster: Graviton instances, YARN's fair scheduler with a queue per team so no team takes
 * the whole cluster, and EMR managed scaling between 8 and 64 fleet units (at most 16 on demand and 16 in the core
 * fleet, the rest spot task capacity) for many small and medium apps.
 */
public class SharedClusterConfig extends ClusterConfig {

    public SharedClusterConfig() {
        this("shared");
    }

    public SharedClusterConfig(String name) {
        super(name, true);
        withTag("team", "platform");
        withTag("shared", "true");
        withInstanceFleets(InstanceFleets.builder()
                .masterInstances("m6g.4xlarge", "m7g.4xlarge")
                .coreInstancesAndWeights(new InstanceWeightRatio()
                        .addInstance("m6g.8xlarge", 2)
                        .addInstance("m7g.8xlarge", 2)
                        .addInstance("m6g.16xlarge", 4))
                .taskInstancesAndWeights(new InstanceWeightRatio()
                        .addInstance("m6g.8xlarge", 2)
                        .addInstance("m7g.8xlarge", 2)
                        .addInstance("r6g.8xlarge", 2))
                .coreTargetOnDemandCapacity(8)
                .taskTargetSpotCapacity(8)
                .volumeSizeInGbWorker(256)
                .build());
        withManagedScaling(8, 64, 16, 16);
        withClusterConfigurations(
                "yarn-site",
                Map.of(
                        "yarn.resourcemanager.scheduler.class",
                        "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fair.FairScheduler",
                        "yarn.scheduler.fair.allow-undeclared-pools",
                        "true",
                        "yarn.scheduler.fair.user-as-default-queue",
                        "false",
                        "yarn.scheduler.fair.preemption",
                        "true"));
    }
}
