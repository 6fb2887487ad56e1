package io.platyspark.aws.emr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.emr.model.Application;
import software.amazon.awssdk.services.emr.model.AutoTerminationPolicy;
import software.amazon.awssdk.services.emr.model.BootstrapActionConfig;
import software.amazon.awssdk.services.emr.model.ComputeLimits;
import software.amazon.awssdk.services.emr.model.Configuration;
import software.amazon.awssdk.services.emr.model.EbsBlockDeviceConfig;
import software.amazon.awssdk.services.emr.model.EbsConfiguration;
import software.amazon.awssdk.services.emr.model.InstanceFleetConfig;
import software.amazon.awssdk.services.emr.model.InstanceFleetProvisioningSpecifications;
import software.amazon.awssdk.services.emr.model.InstanceTypeConfig;
import software.amazon.awssdk.services.emr.model.JobFlowInstancesConfig;
import software.amazon.awssdk.services.emr.model.ManagedScalingPolicy;
import software.amazon.awssdk.services.emr.model.OnDemandProvisioningSpecification;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;
import software.amazon.awssdk.services.emr.model.ScriptBootstrapActionConfig;
import software.amazon.awssdk.services.emr.model.SpotProvisioningSpecification;
import software.amazon.awssdk.services.emr.model.Tag;
import software.amazon.awssdk.services.emr.model.VolumeSpecification;

/**
 * Turns the boto3-shaped request map (the form users know from EMR's docs, and the one {@code overwrite(key, value)}
 * edits) into the SDK's {@link RunJobFlowRequest}. Keys it does not know are refused rather than dropped, so an
 * overwrite never silently does nothing.
 */
final class RunJobFlowRequests {

    static final Set<String> TOP = Set.of(
            "Name",
            "ReleaseLabel",
            "LogUri",
            "ServiceRole",
            "JobFlowRole",
            "VisibleToAllUsers",
            "Applications",
            "Configurations",
            "BootstrapActions",
            "Tags",
            "AutoTerminationPolicy",
            "StepConcurrencyLevel",
            "SecurityConfiguration",
            "CustomAmiId",
            "EbsRootVolumeSize",
            "ScaleDownBehavior",
            "Instances",
            "ManagedScalingPolicy");
    private static final Set<String> INSTANCES = Set.of(
            "InstanceFleets",
            "Ec2SubnetIds",
            "EmrManagedMasterSecurityGroup",
            "EmrManagedSlaveSecurityGroup",
            "ServiceAccessSecurityGroup",
            "KeepJobFlowAliveWhenNoSteps",
            "TerminationProtected",
            "Ec2KeyName");

    private RunJobFlowRequests() {}

    static RunJobFlowRequest fromMap(Map<String, Object> map) {
        unknown("", map, TOP);
        RunJobFlowRequest.Builder request = RunJobFlowRequest.builder()
                .name(str(map.get("Name")))
                .releaseLabel(str(map.get("ReleaseLabel")))
                .logUri(str(map.get("LogUri")))
                .serviceRole(str(map.get("ServiceRole")))
                .jobFlowRole(str(map.get("JobFlowRole")))
                .visibleToAllUsers(bool(map.get("VisibleToAllUsers")))
                .stepConcurrencyLevel(integer(map.get("StepConcurrencyLevel")))
                .securityConfiguration(str(map.get("SecurityConfiguration")))
                .customAmiId(str(map.get("CustomAmiId")))
                .ebsRootVolumeSize(integer(map.get("EbsRootVolumeSize")))
                .scaleDownBehavior(str(map.get("ScaleDownBehavior")));
        if (map.get("Applications") != null) {
            request.applications(maps(map.get("Applications")).stream()
                    .map(a -> Application.builder().name(str(a.get("Name"))).build())
                    .toList());
        }
        if (map.get("Configurations") != null) {
            request.configurations(configurations(map.get("Configurations")));
        }
        if (map.get("BootstrapActions") != null) {
            request.bootstrapActions(maps(map.get("BootstrapActions")).stream()
                    .map(b -> {
                        Map<String, Object> script = map(b.get("ScriptBootstrapAction"));
                        return BootstrapActionConfig.builder()
                                .name(str(b.get("Name")))
                                .scriptBootstrapAction(ScriptBootstrapActionConfig.builder()
                                        .path(str(script.get("Path")))
                                        .args(strings(script.get("Args")))
                                        .build())
                                .build();
                    })
                    .toList());
        }
        if (map.get("Tags") != null) {
            request.tags(maps(map.get("Tags")).stream()
                    .map(t -> Tag.builder()
                            .key(str(t.get("Key")))
                            .value(str(t.get("Value")))
                            .build())
                    .toList());
        }
        if (map.get("AutoTerminationPolicy") != null) {
            request.autoTerminationPolicy(AutoTerminationPolicy.builder()
                    .idleTimeout(longValue(map(map.get("AutoTerminationPolicy")).get("IdleTimeout")))
                    .build());
        }
        if (map.get("Instances") != null) {
            request.instances(instances(map(map.get("Instances"))));
        }
        if (map.get("ManagedScalingPolicy") != null) {
            Map<String, Object> limits =
                    map(map(map.get("ManagedScalingPolicy")).get("ComputeLimits"));
            request.managedScalingPolicy(ManagedScalingPolicy.builder()
                    .computeLimits(ComputeLimits.builder()
                            .unitType(str(limits.get("UnitType")))
                            .minimumCapacityUnits(integer(limits.get("MinimumCapacityUnits")))
                            .maximumCapacityUnits(integer(limits.get("MaximumCapacityUnits")))
                            .maximumOnDemandCapacityUnits(integer(limits.get("MaximumOnDemandCapacityUnits")))
                            .maximumCoreCapacityUnits(integer(limits.get("MaximumCoreCapacityUnits")))
                            .build())
                    .build());
        }
        return request.build();
    }

    private static JobFlowInstancesConfig instances(Map<String, Object> map) {
        unknown("Instances.", map, INSTANCES);
        JobFlowInstancesConfig.Builder instances = JobFlowInstancesConfig.builder()
                .ec2SubnetIds(map.get("Ec2SubnetIds") == null ? null : strings(map.get("Ec2SubnetIds")))
                .emrManagedMasterSecurityGroup(str(map.get("EmrManagedMasterSecurityGroup")))
                .emrManagedSlaveSecurityGroup(str(map.get("EmrManagedSlaveSecurityGroup")))
                .serviceAccessSecurityGroup(str(map.get("ServiceAccessSecurityGroup")))
                .keepJobFlowAliveWhenNoSteps(bool(map.get("KeepJobFlowAliveWhenNoSteps")))
                .terminationProtected(bool(map.get("TerminationProtected")))
                .ec2KeyName(str(map.get("Ec2KeyName")));
        if (map.get("InstanceFleets") != null) {
            instances.instanceFleets(maps(map.get("InstanceFleets")).stream()
                    .map(RunJobFlowRequests::fleet)
                    .toList());
        }
        return instances.build();
    }

    private static InstanceFleetConfig fleet(Map<String, Object> f) {
        InstanceFleetConfig.Builder fleet = InstanceFleetConfig.builder()
                .name(str(f.get("Name")))
                .instanceFleetType(str(f.get("InstanceFleetType")))
                .targetOnDemandCapacity(integer(f.get("TargetOnDemandCapacity")))
                .targetSpotCapacity(integer(f.get("TargetSpotCapacity")))
                .instanceTypeConfigs(maps(f.get("InstanceTypeConfigs")).stream()
                        .map(t -> {
                            InstanceTypeConfig.Builder type = InstanceTypeConfig.builder()
                                    .instanceType(str(t.get("InstanceType")))
                                    .weightedCapacity(integer(t.get("WeightedCapacity")));
                            if (t.get("EbsConfiguration") != null) {
                                Map<String, Object> ebs = map(t.get("EbsConfiguration"));
                                type.ebsConfiguration(EbsConfiguration.builder()
                                        .ebsOptimized(bool(ebs.get("EbsOptimized")))
                                        .ebsBlockDeviceConfigs(maps(ebs.get("EbsBlockDeviceConfigs")).stream()
                                                .map(d -> {
                                                    Map<String, Object> volume = map(d.get("VolumeSpecification"));
                                                    return EbsBlockDeviceConfig.builder()
                                                            .volumesPerInstance(integer(d.get("VolumesPerInstance")))
                                                            .volumeSpecification(VolumeSpecification.builder()
                                                                    .volumeType(str(volume.get("VolumeType")))
                                                                    .sizeInGB(integer(volume.get("SizeInGB")))
                                                                    .build())
                                                            .build();
                                                })
                                                .toList())
                                        .build());
                            }
                            return type.build();
                        })
                        .toList());
        if (f.get("LaunchSpecifications") != null) {
            Map<String, Object> launch = map(f.get("LaunchSpecifications"));
            InstanceFleetProvisioningSpecifications.Builder spec = InstanceFleetProvisioningSpecifications.builder();
            if (launch.get("SpotSpecification") != null) {
                Map<String, Object> spot = map(launch.get("SpotSpecification"));
                spec.spotSpecification(SpotProvisioningSpecification.builder()
                        .timeoutDurationMinutes(integer(spot.get("TimeoutDurationMinutes")))
                        .timeoutAction(str(spot.get("TimeoutAction")))
                        .allocationStrategy(str(spot.get("AllocationStrategy")))
                        .build());
            }
            if (launch.get("OnDemandSpecification") != null) {
                spec.onDemandSpecification(OnDemandProvisioningSpecification.builder()
                        .allocationStrategy(
                                str(map(launch.get("OnDemandSpecification")).get("AllocationStrategy")))
                        .build());
            }
            fleet.launchSpecifications(spec.build());
        }
        return fleet.build();
    }

    private static List<Configuration> configurations(Object value) {
        List<Configuration> configurations = new ArrayList<>();
        for (Map<String, Object> c : maps(value)) {
            Configuration.Builder configuration = Configuration.builder().classification(str(c.get("Classification")));
            if (c.get("Properties") != null) {
                Map<String, String> properties = new java.util.LinkedHashMap<>();
                map(c.get("Properties")).forEach((k, v) -> properties.put(k, String.valueOf(v)));
                configuration.properties(properties);
            }
            if (c.get("Configurations") != null) {
                configuration.configurations(configurations(c.get("Configurations")));
            }
            configurations.add(configuration.build());
        }
        return configurations;
    }

    private static void unknown(String prefix, Map<String, Object> map, Set<String> known) {
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("'" + prefix + key + "' is not a RunJobFlow field this platform "
                        + "supports; supported: " + new java.util.TreeSet<>(known));
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected an object but got " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            throw new IllegalArgumentException("expected a list but got " + value);
        }
        return ((List<Object>) value).stream().map(RunJobFlowRequests::map).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        return ((List<Object>) value).stream().map(String::valueOf).toList();
    }

    private static String str(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static Boolean bool(Object value) {
        return value == null ? null : value instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(value));
    }

    private static Integer integer(Object value) {
        return value == null
                ? null
                : value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value));
    }

    private static Long longValue(Object value) {
        return value == null ? null : value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    }
}
