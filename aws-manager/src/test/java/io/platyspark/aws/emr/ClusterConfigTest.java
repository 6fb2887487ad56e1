package io.platyspark.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emr.model.Configuration;
import software.amazon.awssdk.services.emr.model.InstanceFleetConfig;
import software.amazon.awssdk.services.emr.model.InstanceTypeConfig;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;
import software.amazon.awssdk.services.emr.model.Tag;

class ClusterConfigTest {

    private final PlatformDefaults defaults = new PlatformDefaults(
            "emr-7.5.0",
            List.of("Hadoop", "Spark", "Livy"),
            List.of("subnet-a", "subnet-b"),
            "sg-master",
            "sg-slave",
            "sg-service",
            "EMR_DefaultRole",
            "EMR_EC2_DefaultRole",
            "s3://logs/emr/",
            null,
            Map.of(
                    "spark-hive-site",
                    Map.of("hive.metastore.client.factory.class", "Glue"),
                    "spark-defaults",
                    Map.of("spark.sql.extensions", "Iceberg", "spark.executor.memory", "4g")),
            Map.of("platform", "platyspark"),
            List.of("m6g.4xlarge"),
            List.of("m5.4xlarge"),
            new InstancePolicy(List.of("m5*.*", "m6g.*", "m7g.*", "r6g.*"), 100, 100, 1024, 4));

    /** The dedicated cluster of the write-up, in Java. */
    static ClusterConfig seedExample() {
        // The write-up says is_graviton_emr=True with these m5 types; that mix is refused, so x86 here.
        return new ClusterConfig("my-emr-cluster", false)
                .overwrite("AutoTerminationPolicy", Map.of("IdleTimeout", 900))
                .withInstanceFleets(InstanceFleets.builder()
                        .volumeSizeInGbMaster(400)
                        .volumeSizeInGbWorker(800)
                        .numberOfVolumesPerNode(2)
                        .taskTargetOnDemandCapacity(1)
                        .coreTargetOnDemandCapacity(30)
                        .masterInstances("m5.4xlarge", "m5a.4xlarge")
                        .coreInstancesAndWeights(new InstanceWeightRatio()
                                .addInstance("m5a.16xlarge", 6)
                                .addInstance("m5a.8xlarge", 3)
                                .addInstance("m5.16xlarge", 6))
                        .taskInstancesAndWeights(new InstanceWeightRatio()
                                .addInstance("m5a.16xlarge", 6)
                                .addInstance("m5a.8xlarge", 3)
                                .addInstance("m5.16xlarge", 6))
                        .launchSpecifications(new LaunchSpecifications())
                        .build())
                .withTags(Map.of(
                        "service_role",
                        "emr-cross-verticals",
                        "team",
                        "verticals-data",
                        "project",
                        "apps",
                        "business_unit",
                        "BI"))
                .withClusterConfigurations(
                        "spark-defaults",
                        Map.of(
                                "spark.executor.memory",
                                "5g",
                                "spark.driver.memory",
                                "2g",
                                "spark.executor.cores",
                                "3"));
    }

    @Test
    void theSeedsExampleBecomesTheExactRunJobFlowRequest() {
        RunJobFlowRequest request = seedExample().toRunJobFlowRequest(defaults, "c0ffee00-0000-0000-0000-000000000001");

        assertThat(request.name()).isEqualTo("my-emr-cluster");
        assertThat(request.releaseLabel()).isEqualTo("emr-7.5.0");
        assertThat(request.applications()).extracting(a -> a.name()).containsExactly("Hadoop", "Spark", "Livy");
        assertThat(request.logUri()).isEqualTo("s3://logs/emr/");
        assertThat(request.serviceRole()).isEqualTo("EMR_DefaultRole");
        assertThat(request.jobFlowRole()).isEqualTo("EMR_EC2_DefaultRole");
        assertThat(request.autoTerminationPolicy().idleTimeout()).isEqualTo(900L);
        assertThat(request.tags())
                .extracting(Tag::key, Tag::value)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("team", "verticals-data"),
                        org.assertj.core.groups.Tuple.tuple("platform", "platyspark"),
                        org.assertj.core.groups.Tuple.tuple(
                                "platy:cluster-id", "c0ffee00-0000-0000-0000-000000000001"));
        Configuration sparkDefaults = request.configurations().stream()
                .filter(c -> c.classification().equals("spark-defaults"))
                .findFirst()
                .orElseThrow();
        assertThat(sparkDefaults.properties())
                .as("the platform's, extended and overridden by the user's")
                .containsEntry("spark.sql.extensions", "Iceberg")
                .containsEntry("spark.executor.memory", "5g")
                .containsEntry("spark.driver.memory", "2g")
                .containsEntry("spark.executor.cores", "3");
        assertThat(request.configurations())
                .extracting(Configuration::classification)
                .contains("spark-hive-site", "spark-defaults");

        var instances = request.instances();
        assertThat(instances.ec2SubnetIds()).containsExactly("subnet-a", "subnet-b");
        assertThat(instances.emrManagedMasterSecurityGroup()).isEqualTo("sg-master");
        assertThat(instances.keepJobFlowAliveWhenNoSteps()).isTrue();
        assertThat(instances.instanceFleets())
                .extracting(InstanceFleetConfig::instanceFleetTypeAsString)
                .containsExactly("MASTER", "CORE", "TASK");
        InstanceFleetConfig master = instances.instanceFleets().get(0);
        InstanceFleetConfig core = instances.instanceFleets().get(1);
        InstanceFleetConfig task = instances.instanceFleets().get(2);
        assertThat(master.targetOnDemandCapacity()).isEqualTo(1);
        assertThat(master.instanceTypeConfigs())
                .extracting(InstanceTypeConfig::instanceType)
                .containsExactly("m5.4xlarge", "m5a.4xlarge");
        assertThat(master.instanceTypeConfigs()
                        .get(0)
                        .ebsConfiguration()
                        .ebsBlockDeviceConfigs()
                        .get(0)
                        .volumeSpecification()
                        .sizeInGB())
                .isEqualTo(400);
        assertThat(core.targetOnDemandCapacity()).isEqualTo(30);
        assertThat(core.instanceTypeConfigs())
                .extracting(InstanceTypeConfig::instanceType, InstanceTypeConfig::weightedCapacity)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("m5a.16xlarge", 6),
                        org.assertj.core.groups.Tuple.tuple("m5a.8xlarge", 3),
                        org.assertj.core.groups.Tuple.tuple("m5.16xlarge", 6));
        var coreVolumes = core.instanceTypeConfigs()
                .get(0)
                .ebsConfiguration()
                .ebsBlockDeviceConfigs()
                .get(0);
        assertThat(coreVolumes.volumeSpecification().sizeInGB()).isEqualTo(800);
        assertThat(coreVolumes.volumeSpecification().volumeType()).isEqualTo("gp3");
        assertThat(coreVolumes.volumesPerInstance()).isEqualTo(2);
        assertThat(core.launchSpecifications().onDemandSpecification().allocationStrategyAsString())
                .isEqualTo("lowest-price");
        assertThat(task.targetOnDemandCapacity()).isEqualTo(1);
        assertThat(task.targetSpotCapacity()).isZero();
    }

    @Test
    void overwritesReachNestedFieldsAndUnknownOnesAreRefused() {
        ClusterConfig config = seedExample()
                .overwrite("AutoTerminationPolicy.IdleTimeout", 1200)
                .overwrite("StepConcurrencyLevel", 4);
        RunJobFlowRequest request = config.toRunJobFlowRequest(defaults, "id");
        assertThat(request.autoTerminationPolicy().idleTimeout()).isEqualTo(1200L);
        assertThat(request.instances().instanceFleets()).hasSize(3);
        assertThat(request.stepConcurrencyLevel()).isEqualTo(4);

        assertThatThrownBy(() -> seedExample().overwrite("Instancez", Map.of()).toRunJobFlowRequest(defaults, "id"))
                .isInstanceOfSatisfying(
                        ClusterConfigException.class,
                        e -> assertThat(e.violations())
                                .extracting(Violation::field)
                                .containsExactly("overwrites.Instancez"));
    }

    @Test
    void presetsBuildValidRequests() {
        RunJobFlowRequest shared = new SharedClusterConfig().toRunJobFlowRequest(defaults, "s");
        RunJobFlowRequest dev = new DevClusterConfig("alice-dev", "data").toRunJobFlowRequest(defaults, "d");

        assertThat(shared.configurations())
                .extracting(Configuration::classification)
                .contains("yarn-site");
        assertThat(shared.instances().instanceFleets().get(2).targetSpotCapacity())
                .isEqualTo(8);
        assertThat(shared.instances()
                        .instanceFleets()
                        .get(2)
                        .launchSpecifications()
                        .spotSpecification()
                        .timeoutActionAsString())
                .isEqualTo("SWITCH_TO_ON_DEMAND");
        assertThat(dev.autoTerminationPolicy().idleTimeout()).isEqualTo(1800L);
        assertThat(dev.instances().instanceFleets()).hasSize(2);
    }

    @Test
    void aConfigWithoutTeamOrWithForbiddenTypesIsRefusedBeforeAnyAwsCall() {
        ClusterConfig noTeam = new ClusterConfig("etl", true)
                .withInstanceFleets(InstanceFleets.builder()
                        .masterInstances("m6g.xlarge")
                        .coreInstancesAndWeights(new InstanceWeightRatio().addInstance("p4d.24xlarge", 8))
                        .coreTargetOnDemandCapacity(500)
                        .build());

        List<Violation> violations = noTeam.validate(defaults);

        assertThat(violations)
                .extracting(Violation::field)
                .containsExactly(
                        "tags.team",
                        "instanceFleets.coreInstancesAndWeights[p4d.24xlarge]",
                        "instanceFleets.coreInstancesAndWeights",
                        "instanceFleets.coreTargetOnDemandCapacity");
        assertThat(violations.get(0).message()).contains("team");
        assertThat(violations.get(1).message()).contains("p4d.24xlarge").contains("not allowed");
        assertThat(violations.get(2).message()).contains("p4d.24xlarge").contains("Graviton");
        assertThatThrownBy(() -> noTeam.toRunJobFlowRequest(defaults, "x")).isInstanceOf(ClusterConfigException.class);
    }

    private static ClusterConfig arm(String name) {
        return new ClusterConfig(name, true)
                .withTag("team", "data")
                .withInstanceFleets(InstanceFleets.builder()
                        .masterInstances("m6g.xlarge")
                        .coreInstancesAndWeights(new InstanceWeightRatio().addInstance("m6g.2xlarge", 2))
                        .coreTargetOnDemandCapacity(4)
                        .build());
    }

    private static List<String> fields(ClusterConfig config, PlatformDefaults defaults) {
        return config.validate(defaults).stream().map(Violation::field).toList();
    }

    @Test
    void overwritesOfWhatThePlatformOwnsAreRefused() {
        for (String path : List.of(
                "Instances.InstanceFleets",
                "ServiceRole",
                "JobFlowRole",
                "Tags",
                "Instances.Ec2SubnetIds",
                "Instances.TerminationProtected",
                "LogUri",
                "Configurations",
                "Applications",
                "ReleaseLabel",
                "BootstrapActions",
                "Instances",
                "SecurityConfiguration")) {
            assertThat(fields(arm("c").overwrite(path, List.of()), defaults))
                    .as(path)
                    .containsExactly("overwrites." + path);
        }
        assertThat(arm("c").overwrite("Tags", List.of())
                        .validate(defaults)
                        .get(0)
                        .message())
                .contains("set 'tags' instead");
        assertThat(fields(
                        arm("c").overwrite("StepConcurrencyLevel", 3)
                                .overwrite("ScaleDownBehavior", "TERMINATE_AT_TASK_COMPLETION")
                                .overwrite("EbsRootVolumeSize", 30),
                        defaults))
                .isEmpty();
        assertThat(fields(arm("c").withTag("platform", "other"), defaults)).containsExactly("tags.platform");
    }

    @Test
    void capacitiesAndWeightsMustBePositive() {
        ClusterConfig config = new ClusterConfig("c", true)
                .withTag("team", "data")
                .withInstanceFleets(InstanceFleets.builder()
                        .masterInstances("m6g.xlarge")
                        .coreInstancesAndWeights(new InstanceWeightRatio()
                                .addInstance("m6g.2xlarge", 0)
                                .addInstance("m7g.2xlarge", -2))
                        .coreTargetOnDemandCapacity(-3)
                        .coreTargetSpotCapacity(5)
                        .taskTargetSpotCapacity(-1)
                        .build());

        assertThat(fields(config, defaults))
                .containsExactlyInAnyOrder(
                        "instanceFleets.coreTargetOnDemandCapacity",
                        "instanceFleets.taskTargetSpotCapacity",
                        "instanceFleets.coreInstancesAndWeights[m6g.2xlarge]",
                        "instanceFleets.coreInstancesAndWeights[m7g.2xlarge]");
    }

    @Test
    void applicationsMustIncludeLivyAndOldReleasesTheirClassifications() {
        assertThat(fields(arm("c").withApplications("Hadoop", "Spark"), defaults))
                .containsExactly("applications");
        assertThat(fields(arm("c").withApplications("hadoop", "spark", "livy"), defaults))
                .isEmpty();
        PlatformDefaults withIceberg = PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/");

        assertThat(fields(arm("c").withReleaseLabel("emr-6.4.0"), withIceberg)).containsExactly("releaseLabel");
        assertThat(arm("c").withReleaseLabel("emr-6.4.0")
                        .validate(withIceberg)
                        .get(0)
                        .message())
                .contains("iceberg-defaults", "emr-6.5.0");
        assertThat(fields(
                        arm("c").withReleaseLabel("emr-6.8.0")
                                .withClusterConfigurations("delta-defaults", Map.of("delta.enabled", "true")),
                        withIceberg))
                .containsExactly("configurations.delta-defaults");
        assertThat(fields(arm("c").withReleaseLabel("emr-5.8.0"), defaults)).containsExactly("releaseLabel");
        assertThat(fields(arm("c").withReleaseLabel("7.5"), defaults)).containsExactly("releaseLabel");
        assertThat(fields(arm("c").withReleaseLabel("emr-6.15.0"), withIceberg)).isEmpty();
    }

    @Test
    void aFleetRunsTheClustersOneArchitecture() {
        ClusterConfig x86OnGraviton = new ClusterConfig("c", true)
                .withTag("team", "data")
                .withInstanceFleets(InstanceFleets.builder()
                        .masterInstances("m6g.xlarge")
                        .coreInstancesAndWeights(new InstanceWeightRatio().addInstance("m5.2xlarge", 1))
                        .build());
        ClusterConfig mixed = new ClusterConfig("c", false)
                .withTag("team", "data")
                .withInstanceFleets(InstanceFleets.builder()
                        .masterInstances("m5.xlarge")
                        .coreInstancesAndWeights(new InstanceWeightRatio()
                                .addInstance("m5.2xlarge", 1)
                                .addInstance("m6g.2xlarge", 1))
                        .build());

        assertThat(fields(x86OnGraviton, defaults)).containsExactly("instanceFleets.coreInstancesAndWeights");
        assertThat(fields(mixed, defaults)).containsExactly("instanceFleets.coreInstancesAndWeights");
        assertThat(mixed.validate(defaults).get(0).message()).contains("mixes", "m6g.2xlarge", "m5.2xlarge");
        assertThat(ClusterConfig.isGraviton("c7gn.large")).isTrue();
        assertThat(ClusterConfig.isGraviton("g4dn.xlarge")).isFalse();
        assertThat(ClusterConfig.isGraviton("m7i-flex.large")).isFalse();
    }

    @Test
    void bootstrapScriptsComeFromAllowedBucketsOnly() {
        PlatformDefaults restricted = new PlatformDefaults(
                defaults.releaseLabel(),
                defaults.applications(),
                defaults.subnetIds(),
                null,
                null,
                null,
                defaults.serviceRole(),
                defaults.jobFlowRole(),
                defaults.logUri(),
                null,
                defaults.configurations(),
                defaults.tags(),
                defaults.gravitonInstanceTypes(),
                defaults.x86InstanceTypes(),
                defaults.policy(),
                List.of("platy-artifacts"));

        assertThat(fields(
                        arm("c").withBootstrapAction("ok", "s3://platy-artifacts/bootstrap/x.sh")
                                .withBootstrapAction("evil", "s3://someone-else/x.sh")
                                .withBootstrapAction("local", "file:///etc/x.sh"),
                        restricted))
                .containsExactly("bootstrapActions[1].path", "bootstrapActions[2].path");
    }

    @Test
    void everyViolationIsListed() {
        ClusterConfig config = new ClusterConfig("c", true)
                .withApplications("Spark")
                .withInstanceFleets(InstanceFleets.builder()
                        .masterInstances("m5.xlarge")
                        .coreInstancesAndWeights(new InstanceWeightRatio().addInstance("m6g.2xlarge", 0))
                        .coreTargetOnDemandCapacity(-1)
                        .coreTargetSpotCapacity(4)
                        .build())
                .overwrite("ServiceRole", "admin");

        assertThat(fields(config, defaults))
                .containsExactlyInAnyOrder(
                        "tags.team",
                        "instanceFleets.coreTargetOnDemandCapacity",
                        "instanceFleets.coreInstancesAndWeights[m6g.2xlarge]",
                        "instanceFleets.masterInstances",
                        "applications",
                        "overwrites.ServiceRole");
    }

    @Test
    void managedScalingBecomesTheComputeLimitsAndIsCheckedAgainstThePolicy() {
        RunJobFlowRequest request = arm("c").withManagedScaling(2, 40, 10, 8).toRunJobFlowRequest(defaults, "id");

        var limits = request.managedScalingPolicy().computeLimits();
        assertThat(limits.unitTypeAsString()).isEqualTo("InstanceFleetUnits");
        assertThat(List.of(
                        limits.minimumCapacityUnits(),
                        limits.maximumCapacityUnits(),
                        limits.maximumOnDemandCapacityUnits(),
                        limits.maximumCoreCapacityUnits()))
                .containsExactly(2, 40, 10, 8);
        assertThat(new SharedClusterConfig()
                        .toRunJobFlowRequest(defaults, "s")
                        .managedScalingPolicy()
                        .computeLimits()
                        .maximumCapacityUnits())
                .as("the shared preset scales")
                .isEqualTo(64);
        assertThat(fields(arm("c").withManagedScaling(0, 300, 400, 150), defaults))
                .containsExactly(
                        "managedScaling.minimumCapacityUnits", "managedScaling.maximumCapacityUnits",
                        "managedScaling.maximumOnDemandCapacityUnits", "managedScaling.maximumCoreCapacityUnits");
        assertThat(fields(arm("c").withManagedScaling(10, 5, 2, 2), defaults))
                .containsExactly("managedScaling.minimumCapacityUnits");
        ClusterConfig parsed =
                ClusterConfigJson.parse(ClusterConfigJson.write(arm("c").withManagedScaling(2, 40, 10, 8)), "c");
        assertThat(parsed.managedScaling()).isEqualTo(new ManagedScaling(2, 40, 10, 8));
        assertThat(ClusterConfigJson.parse("{\"terminateAfterApp\": true}", "c").terminateAfterApp())
                .isTrue();
        assertThat(ClusterConfigJson.write(arm("c").withTerminateAfterApp(true)))
                .contains("\"terminateAfterApp\":true");
    }

    @Test
    void jsonRoundTripsWithoutLoss() {
        ClusterConfig original = seedExample()
                .withBootstrapAction("deps", "s3://b/install.sh", "--quiet")
                .withIdleTimeout(Duration.ofMinutes(20))
                .withReleaseLabel("emr-7.2.0");

        String json = ClusterConfigJson.write(original);
        ClusterConfig parsed = ClusterConfigJson.parse(json, "ignored");

        assertThat(ClusterConfigJson.write(parsed)).isEqualTo(json);
        assertThat(parsed.toRequestMap(defaults, "id")).isEqualTo(original.toRequestMap(defaults, "id"));
    }

    @Test
    void badJsonNamesTheField() {
        assertThatThrownBy(() -> ClusterConfigJson.parse("{\"tags\":{\"team\":\"x\"},\"instanceFleet\":{}}", "c"))
                .isInstanceOfSatisfying(
                        ClusterConfigException.class,
                        e -> assertThat(e.violations().get(0).field()).isEqualTo("instanceFleet"));
        assertThatThrownBy(() ->
                        ClusterConfigJson.parse("{\"instanceFleets\":{\"coreTargetOnDemandCapacity\":\"lots\"}}", "c"))
                .isInstanceOfSatisfying(
                        ClusterConfigException.class,
                        e -> assertThat(e.violations().get(0).field())
                                .isEqualTo("instanceFleets.coreTargetOnDemandCapacity"));
    }
}
