package io.platyspark.aws.emr;

import java.time.Duration;

/** A small cluster for development from an IDE: one core node, terminated after 30 idle minutes. */
public class DevClusterConfig extends ClusterConfig {

    public DevClusterConfig(String name, String team) {
        super(name, true);
        withTag("team", team);
        withTag("purpose", "dev");
        withInstanceFleets(InstanceFleets.builder()
                .masterInstances("m6g.xlarge", "m7g.xlarge")
                .coreInstancesAndWeights(
                        new InstanceWeightRatio().addInstance("m6g.2xlarge", 1).addInstance("m7g.2xlarge", 1))
                .coreTargetOnDemandCapacity(1)
                .volumeSizeInGbWorker(64)
                .build());
        withIdleTimeout(Duration.ofMinutes(30));
    }
}
