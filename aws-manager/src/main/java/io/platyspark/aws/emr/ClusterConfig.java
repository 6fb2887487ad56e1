package io.platyspark.aws.emr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;

/**
 * A short, fluent definition of an EMR cluster that becomes the large {@code RunJobFlow} request: platform defaults
 * (network, roles, logs, Hive/Iceberg/spark-defaults classifications) are inherited and extended, a {@code team} tag
 * is mandatory, instance types and capacity are checked against the platform's policy before any AWS call.
 *
 * <pre>{@code
 * new ClusterConfig("my-emr-cluster", true)
 *     .overwrite("AutoTerminationPolicy", Map.of("IdleTimeout", 900))
 *     .withInstanceFleets(InstanceFleets.builder().coreTargetOnDemandCapacity(30)
 *         .coreInstancesAndWeights(new InstanceWeightRatio().addInstance("m5a.16xlarge", 6)).build())
 *     .withTags(Map.of("team", "verticals-data", "project", "apps"))
 *     .withClusterConfigurations("spark-defaults", Map.of("spark.executor.memory", "5g"));
 * }</pre>
 */
public class ClusterConfig {

    /** The tag every cluster carries with the platform's id for it, so a lost create is adopted, not repeated. */
    public static final String PLATFORM_ID_TAG = "platy:cluster-id";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,255}");

    private final String name;
    private final boolean graviton;
    private final Map<String, Object> overwrites = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> configurations = new LinkedHashMap<>();
    private final List<BootstrapAction> bootstrapActions = new ArrayList<>();
    private InstanceFleets instanceFleets;
    private Duration idleTimeout;
    private String releaseLabel;
    private List<String> applications;

    public ClusterConfig(String name, boolean graviton) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.graviton = graviton;
    }

    /** Sets a field of the RunJobFlow request directly, by its path ({@code "Instances.Ec2SubnetIds"}). */
    public ClusterConfig overwrite(String path, Object value) {
        overwrites.put(Objects.requireNonNull(path, "path == null"), value);
        return this;
    }

    public ClusterConfig withInstanceFleets(InstanceFleets fleets) {
        this.instanceFleets = fleets;
        return this;
    }

    public ClusterConfig withTags(Map<String, String> tags) {
        this.tags.putAll(tags);
        return this;
    }

    public ClusterConfig withTag(String key, String value) {
        this.tags.put(key, value);
        return this;
    }

    /** Adds properties to a classification; the platform's properties of the same classification stay. */
    public ClusterConfig withClusterConfigurations(String classification, Map<String, String> properties) {
        configurations.computeIfAbsent(classification, c -> new LinkedHashMap<>()).putAll(properties);
        return this;
    }

    public ClusterConfig withBootstrapAction(String name, String path, String... args) {
        bootstrapActions.add(new BootstrapAction(name, path, List.of(args)));
        return this;
    }

    /** EMR terminates the cluster after this long without work (its auto-termination policy). */
    public ClusterConfig withIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
        return this;
    }

    public ClusterConfig withReleaseLabel(String releaseLabel) {
        this.releaseLabel = releaseLabel;
        return this;
    }

    public ClusterConfig withApplications(String... applications) {
        this.applications = List.of(applications);
        return this;
    }

    public String name() {
        return name;
    }

    public boolean graviton() {
        return graviton;
    }

    public Map<String, String> tags() {
        return java.util.Collections.unmodifiableMap(tags);
    }

    public Map<String, Object> overwrites() {
        return java.util.Collections.unmodifiableMap(overwrites);
    }

    public Map<String, Map<String, String>> configurations() {
        return java.util.Collections.unmodifiableMap(configurations);
    }

    public List<BootstrapAction> bootstrapActions() {
        return List.copyOf(bootstrapActions);
    }

    public InstanceFleets instanceFleets() {
        return instanceFleets;
    }

    public String releaseLabel() {
        return releaseLabel;
    }

    public List<String> applications() {
        return applications;
    }

    /** The idle timeout set with {@link #withIdleTimeout}, null when none was. */
    public Duration explicitIdleTimeout() {
        return idleTimeout;
    }

    /** The idle timeout: the explicit one, else an {@code AutoTerminationPolicy} overwrite's, else none. */
    public Duration idleTimeout() {
        if (idleTimeout != null) {
            return idleTimeout;
        }
        Object policy = overwrites.get("AutoTerminationPolicy");
        if (policy instanceof Map<?, ?> map && map.get("IdleTimeout") instanceof Number seconds) {
            return Duration.ofSeconds(seconds.longValue());
        }
        return null;
    }

    /** Every problem with this config under the platform's policy (empty when it may be created). */
    public List<Violation> validate(PlatformDefaults defaults) {
        List<Violation> violations = new ArrayList<>();
        if (!NAME.matcher(name).matches()) {
            violations.add(new Violation("name", "must be 1-256 letters, digits, '.', '_', '-' or spaces"));
        }
        String team = tags.get("team");
        if (team == null || team.isBlank()) {
            violations.add(new Violation("tags.team", "is required: every cluster is tagged with the team that owns "
                    + "it, for cost attribution, e.g. \"tags\": {\"team\": \"data-platform\"}"));
        }
        if (tags.containsKey(PLATFORM_ID_TAG)) {
            violations.add(new Violation("tags." + PLATFORM_ID_TAG, "is set by the platform; remove it"));
        }
        InstanceFleets fleets = fleets(defaults);
        InstancePolicy policy = defaults.policy();
        checkTypes(violations, "instanceFleets.masterInstances", fleets.masterInstances(), policy);
        checkTypes(violations, "instanceFleets.coreInstancesAndWeights",
                List.copyOf(fleets.coreInstancesAndWeights().weights().keySet()), policy);
        checkTypes(violations, "instanceFleets.taskInstancesAndWeights",
                List.copyOf(fleets.taskInstancesAndWeights().weights().keySet()), policy);
        if (fleets.masterInstances().isEmpty()) {
            violations.add(new Violation("instanceFleets.masterInstances", "needs at least one instance type"));
        }
        if (fleets.coreInstancesAndWeights().weights().isEmpty()) {
            violations.add(new Violation("instanceFleets.coreInstancesAndWeights", "needs at least one instance "
                    + "type with its weight"));
        }
        int core = fleets.coreTargetOnDemandCapacity() + fleets.coreTargetSpotCapacity();
        if (core < 1 || core > policy.maxCoreCapacity()) {
            violations.add(new Violation("instanceFleets.coreTargetOnDemandCapacity", "core capacity (on-demand + "
                    + "spot) is " + core + "; it must be between 1 and " + policy.maxCoreCapacity()));
        }
        int task = fleets.taskTargetOnDemandCapacity() + fleets.taskTargetSpotCapacity();
        if (task < 0 || task > policy.maxTaskCapacity()) {
            violations.add(new Violation("instanceFleets.taskTargetOnDemandCapacity", "task capacity is " + task
                    + "; it must be between 0 and " + policy.maxTaskCapacity()));
        }
        if (fleets.volumeSizeInGbMaster() > policy.maxVolumeSizeGb()
                || fleets.volumeSizeInGbWorker() > policy.maxVolumeSizeGb()) {
            violations.add(new Violation("instanceFleets.volumeSizeInGbWorker", "EBS volumes may be at most "
                    + policy.maxVolumeSizeGb() + " GB"));
        }
        if (fleets.numberOfVolumesPerNode() < 1 || fleets.numberOfVolumesPerNode() > policy.maxVolumesPerNode()) {
            violations.add(new Violation("instanceFleets.numberOfVolumesPerNode", "must be between 1 and "
                    + policy.maxVolumesPerNode()));
        }
        Duration idle = idleTimeout();
        if (idle != null && (idle.toSeconds() < 60 || idle.toSeconds() > 7 * 24 * 3600)) {
            violations.add(new Violation("idleTimeoutSeconds", "EMR accepts 60 seconds to 7 days"));
        }
        for (String path : overwrites.keySet()) {
            try {
                RunJobFlowRequests.fromMap(apply(Map.of(), path, overwrites.get(path)));
            } catch (IllegalArgumentException | ClassCastException e) {
                violations.add(new Violation("overwrites." + path, e.getMessage()));
            }
        }
        return violations;
    }

    private static void checkTypes(List<Violation> violations, String field, List<String> types,
            InstancePolicy policy) {
        for (String type : types) {
            if (!policy.allows(type)) {
                violations.add(new Violation(field + "[" + type + "]", "instance type " + type + " is not allowed "
                        + "by the platform's policy; allowed: " + policy.allowedInstanceTypes()));
            }
        }
    }

    /** The boto3-shaped request: defaults, extended by this config, then the overwrites. */
    public Map<String, Object> toRequestMap(PlatformDefaults defaults, String platformClusterId) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("Name", name);
        request.put("ReleaseLabel", releaseLabel != null ? releaseLabel : defaults.releaseLabel());
        request.put("Applications", (applications != null ? applications : defaults.applications()).stream()
                .map(a -> Map.of("Name", a)).toList());
        putIfSet(request, "LogUri", defaults.logUri());
        putIfSet(request, "ServiceRole", defaults.serviceRole());
        putIfSet(request, "JobFlowRole", defaults.jobFlowRole());
        request.put("VisibleToAllUsers", true);
        Map<String, Map<String, String>> merged = new LinkedHashMap<>();
        defaults.configurations().forEach((c, p) -> merged.put(c, new LinkedHashMap<>(p)));
        configurations.forEach((c, p) -> merged.computeIfAbsent(c, k -> new LinkedHashMap<>()).putAll(p));
        request.put("Configurations", merged.entrySet().stream()
                .map(e -> Map.<String, Object>of("Classification", e.getKey(), "Properties", e.getValue())).toList());
        if (!bootstrapActions.isEmpty()) {
            request.put("BootstrapActions", bootstrapActions.stream().map(b -> Map.<String, Object>of("Name", b.name(),
                    "ScriptBootstrapAction", Map.of("Path", b.path(), "Args", b.args()))).toList());
        }
        Map<String, String> allTags = new LinkedHashMap<>(defaults.tags());
        allTags.putAll(tags);
        if (platformClusterId != null) {
            allTags.put(PLATFORM_ID_TAG, platformClusterId);
        }
        request.put("Tags", allTags.entrySet().stream()
                .map(e -> Map.of("Key", e.getKey(), "Value", e.getValue())).toList());
        if (idleTimeout != null) {
            request.put("AutoTerminationPolicy", Map.of("IdleTimeout", idleTimeout.toSeconds()));
        }
        Map<String, Object> instances = new LinkedHashMap<>();
        instances.put("InstanceFleets", fleetMaps(fleets(defaults)));
        if (!defaults.subnetIds().isEmpty()) {
            instances.put("Ec2SubnetIds", defaults.subnetIds());
        }
        putIfSet(instances, "EmrManagedMasterSecurityGroup", defaults.masterSecurityGroup());
        putIfSet(instances, "EmrManagedSlaveSecurityGroup", defaults.slaveSecurityGroup());
        putIfSet(instances, "ServiceAccessSecurityGroup", defaults.serviceAccessSecurityGroup());
        putIfSet(instances, "Ec2KeyName", defaults.ec2KeyName());
        instances.put("KeepJobFlowAliveWhenNoSteps", true);
        request.put("Instances", instances);
        Map<String, Object> result = request;
        for (Map.Entry<String, Object> overwrite : overwrites.entrySet()) {
            result = apply(result, overwrite.getKey(), overwrite.getValue());
        }
        return result;
    }

    /**
     * The SDK request for this config under the platform's defaults, tagged with the platform's id for it.
     *
     * @throws ClusterConfigException when the config breaks a rule; nothing is sent anywhere
     */
    public RunJobFlowRequest toRunJobFlowRequest(PlatformDefaults defaults, String platformClusterId) {
        List<Violation> violations = validate(defaults);
        if (!violations.isEmpty()) {
            throw new ClusterConfigException(violations);
        }
        return RunJobFlowRequests.fromMap(toRequestMap(defaults, platformClusterId));
    }

    private InstanceFleets fleets(PlatformDefaults defaults) {
        if (instanceFleets != null) {
            return instanceFleets;
        }
        List<String> family = graviton ? defaults.gravitonInstanceTypes() : defaults.x86InstanceTypes();
        InstanceWeightRatio core = new InstanceWeightRatio();
        family.forEach(type -> core.addInstance(type, 1));
        return InstanceFleets.builder().masterInstances(family.toArray(String[]::new))
                .coreInstancesAndWeights(core).coreTargetOnDemandCapacity(2).build();
    }

    private static List<Map<String, Object>> fleetMaps(InstanceFleets f) {
        List<Map<String, Object>> fleets = new ArrayList<>();
        Map<String, Integer> master = new LinkedHashMap<>();
        f.masterInstances().forEach(type -> master.put(type, 1));
        fleets.add(fleet("Master", "MASTER", master, 1, 0, f.volumeSizeInGbMaster(), 1, f.launchSpecifications()));
        fleets.add(fleet("Core", "CORE", f.coreInstancesAndWeights().weights(), f.coreTargetOnDemandCapacity(),
                f.coreTargetSpotCapacity(), f.volumeSizeInGbWorker(), f.numberOfVolumesPerNode(),
                f.launchSpecifications()));
        if (!f.taskInstancesAndWeights().weights().isEmpty()) {
            fleets.add(fleet("Task", "TASK", f.taskInstancesAndWeights().weights(), f.taskTargetOnDemandCapacity(),
                    f.taskTargetSpotCapacity(), f.volumeSizeInGbWorker(), f.numberOfVolumesPerNode(),
                    f.launchSpecifications()));
        }
        return fleets;
    }

    private static Map<String, Object> fleet(String name, String type, Map<String, Integer> weights, int onDemand,
            int spot, int volumeGb, int volumes, LaunchSpecifications launch) {
        Map<String, Object> fleet = new LinkedHashMap<>();
        fleet.put("Name", name);
        fleet.put("InstanceFleetType", type);
        fleet.put("TargetOnDemandCapacity", onDemand);
        fleet.put("TargetSpotCapacity", spot);
        fleet.put("InstanceTypeConfigs", weights.entrySet().stream().map(e -> Map.<String, Object>of(
                "InstanceType", e.getKey(),
                "WeightedCapacity", e.getValue(),
                "EbsConfiguration", Map.of("EbsBlockDeviceConfigs", List.of(Map.of(
                        "VolumeSpecification", Map.of("VolumeType", "gp3", "SizeInGB", volumeGb),
                        "VolumesPerInstance", volumes))))).toList());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("OnDemandSpecification", Map.of("AllocationStrategy", launch.onDemandAllocationStrategy()));
        if (spot > 0) {
            spec.put("SpotSpecification", Map.of("TimeoutDurationMinutes", launch.spotTimeoutMinutes(),
                    "TimeoutAction", launch.spotTimeoutAction(), "AllocationStrategy", launch.spotAllocationStrategy()));
        }
        fleet.put("LaunchSpecifications", spec);
        return fleet;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> apply(Map<String, Object> request, String path, Object value) {
        Map<String, Object> root = deepCopy(request);
        String[] keys = path.split("\\.");
        Map<String, Object> node = root;
        for (int i = 0; i < keys.length - 1; i++) {
            Object next = node.get(keys[i]);
            if (!(next instanceof Map)) {
                next = new LinkedHashMap<String, Object>();
                node.put(keys[i], next);
            }
            node = (Map<String, Object>) next;
        }
        node.put(keys[keys.length - 1], value);
        return root;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : v));
        return copy;
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
