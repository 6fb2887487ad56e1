package io.platyspark.aws.emr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;

/**
 * A short, fluent definition of an EMR cluster that becomes the large {@code RunJobFlow} request: platform defaults
 * (network, roles, logs, Hive/Iceberg/spark-defaults classifications) are inherited and extended, a {@code team} tag
 * is mandatory, instance types and capacity are checked against the platform's policy before any AWS call.
 *
 * <pre>{@code
 * new ClusterConfig("my-emr-cluster", false) // x86 (m5a) types: graviton false
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
    private ManagedScaling managedScaling;
    private boolean terminateAfterApp;
    private final List<String> pythonRequirements = new ArrayList<>();

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
        configurations
                .computeIfAbsent(classification, c -> new LinkedHashMap<>())
                .putAll(properties);
        return this;
    }

    /** The name of the bootstrap action the platform adds itself (a local command, not a script from S3). */
    public static final String PLATFORM_BOOTSTRAP = "platy-yarn-queue-limits";

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

    /**
     * EMR managed scaling between {@code min} and {@code max} fleet capacity units, at most {@code maxOnDemand}
     * of them on demand and {@code maxCore} in the core fleet.
     */
    public ClusterConfig withManagedScaling(int min, int max, int maxOnDemand, int maxCore) {
        this.managedScaling = new ManagedScaling(min, max, maxOnDemand, maxCore);
        return this;
    }

    public ManagedScaling managedScaling() {
        return managedScaling;
    }

    /**
     * The cluster ends with its app: once an app has finished on it and none is active, the platform terminates it
     * (create, run, terminate without a third call).
     */
    public ClusterConfig withTerminateAfterApp(boolean terminateAfterApp) {
        this.terminateAfterApp = terminateAfterApp;
        return this;
    }

    public boolean terminateAfterApp() {
        return terminateAfterApp;
    }

    /**
     * Python requirements (pip lines, pinned) to install on every node at start-up, for teams that prefer that to
     * an environment packed per app. The platform turns them into a bootstrap action (a script it writes to its
     * artifact bucket) when it creates the cluster; {@link #toRunJobFlowRequest} alone does not.
     */
    public ClusterConfig withPythonRequirements(List<String> requirements) {
        pythonRequirements.addAll(requirements);
        return this;
    }

    public List<String> pythonRequirements() {
        return List.copyOf(pythonRequirements);
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

    /**
     * The capacity the cluster may take, in instance-fleet weighted units: managed scaling's maximum when it
     * scales, else the core and task fleets' on-demand and spot targets added up; with no fleets given, the
     * platform's default fleets ({@value #DEFAULT_CORE_CAPACITY} core units). What a team's capacity quota counts.
     */
    public int capacityUnits() {
        if (managedScaling != null) {
            return managedScaling.maximumCapacityUnits();
        }
        if (instanceFleets == null) {
            return DEFAULT_CORE_CAPACITY;
        }
        return instanceFleets.coreTargetOnDemandCapacity()
                + instanceFleets.coreTargetSpotCapacity()
                + instanceFleets.taskTargetOnDemandCapacity()
                + instanceFleets.taskTargetSpotCapacity();
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

    /**
     * The {@code RunJobFlow} fields an overwrite may set: those the platform does not own. Network, roles, logs,
     * tags, instances, applications and classifications are the platform's (or have their own checked field).
     */
    public static final Set<String> OVERWRITABLE = Set.of(
            "AutoTerminationPolicy",
            "AutoTerminationPolicy.IdleTimeout",
            "StepConcurrencyLevel",
            "ScaleDownBehavior",
            "EbsRootVolumeSize");

    private static final Map<String, String> INSTEAD = Map.of(
            "Tags",
            "tags",
            "Instances.InstanceFleets",
            "instanceFleets",
            "Instances",
            "instanceFleets",
            "Configurations",
            "configurations",
            "Applications",
            "applications",
            "ReleaseLabel",
            "releaseLabel",
            "BootstrapActions",
            "bootstrapActions");
    /** The first EMR release that knows a classification, for those newer than the releases Livy runs on. */
    private static final Map<String, String> CLASSIFICATION_SINCE = Map.of(
            "iceberg-defaults", "emr-6.5.0", "delta-defaults", "emr-6.9.0", "trino-connector-iceberg", "emr-6.5.0");

    private static final String LIVY_SINCE = "emr-5.9.0";
    private static final Pattern RELEASE = Pattern.compile("emr-(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern BUCKET_PATH = Pattern.compile("s3://([^/]+)/.+");

    /** Every problem with this config under the platform's policy (empty when it may be created). */
    public List<Violation> validate(PlatformDefaults defaults) {
        List<Violation> violations = new ArrayList<>();
        validateFields(defaults, violations);
        if (violations.isEmpty()) {
            // The request as it would be sent, after every overwrite: what the field checks cannot see.
            try {
                checkRequest(RunJobFlowRequests.fromMap(toRequestMap(defaults, "validation")), defaults, violations);
            } catch (IllegalArgumentException | ClassCastException e) {
                violations.add(new Violation("overwrites", e.getMessage()));
            }
        }
        return violations;
    }

    private void validateFields(PlatformDefaults defaults, List<Violation> violations) {
        if (!NAME.matcher(name).matches()) {
            violations.add(new Violation("name", "must be 1-256 letters, digits, '.', '_', '-' or spaces"));
        }
        String team = tags.get("team");
        if (team == null || team.isBlank()) {
            violations.add(new Violation(
                    "tags.team",
                    "is required: every cluster is tagged with the team that owns "
                            + "it, for cost attribution, e.g. \"tags\": {\"team\": \"data-platform\"}"));
        }
        for (int i = 0; i < pythonRequirements.size(); i++) {
            String line = pythonRequirements.get(i);
            if (line == null || line.isBlank()) {
                violations.add(new Violation(
                        "pythonRequirements[" + i + "]",
                        "is empty; one pip requirement per " + "entry, e.g. \"requests==2.32.3\""));
            }
        }
        if (tags.containsKey(PLATFORM_ID_TAG)) {
            violations.add(new Violation("tags." + PLATFORM_ID_TAG, "is set by the platform; remove it"));
        }
        for (String key : tags.keySet()) {
            if (defaults.tags().containsKey(key) && !defaults.tags().get(key).equals(tags.get(key))) {
                violations.add(new Violation(
                        "tags." + key,
                        "is set by the platform to '" + defaults.tags().get(key) + "'; remove it"));
            }
        }
        InstanceFleets fleets = fleets(defaults);
        InstancePolicy policy = defaults.policy();
        checkCapacity(violations, "instanceFleets.coreTargetOnDemandCapacity", fleets.coreTargetOnDemandCapacity());
        checkCapacity(violations, "instanceFleets.coreTargetSpotCapacity", fleets.coreTargetSpotCapacity());
        checkCapacity(violations, "instanceFleets.taskTargetOnDemandCapacity", fleets.taskTargetOnDemandCapacity());
        checkCapacity(violations, "instanceFleets.taskTargetSpotCapacity", fleets.taskTargetSpotCapacity());
        checkWeights(violations, "instanceFleets.coreInstancesAndWeights", fleets.coreInstancesAndWeights());
        checkWeights(violations, "instanceFleets.taskInstancesAndWeights", fleets.taskInstancesAndWeights());
        checkRelease(violations, defaults);
        checkManagedScaling(violations, policy);
        for (int i = 0; i < bootstrapActions.size(); i++) {
            BootstrapAction action = bootstrapActions.get(i);
            if (PLATFORM_BOOTSTRAP.equals(action.name()) && "file:/bin/bash".equals(action.path())) {
                // The platform's own (the shared cluster's YARN queue limits); a user config may not carry the
                // name: the API refuses it before anything is stored.
                continue;
            }
            checkBootstrapPath(violations, "bootstrapActions[" + i + "].path", action.path(), defaults);
        }
        checkTypes(violations, "instanceFleets.masterInstances", fleets.masterInstances(), policy);
        checkTypes(
                violations,
                "instanceFleets.coreInstancesAndWeights",
                List.copyOf(fleets.coreInstancesAndWeights().weights().keySet()),
                policy);
        checkTypes(
                violations,
                "instanceFleets.taskInstancesAndWeights",
                List.copyOf(fleets.taskInstancesAndWeights().weights().keySet()),
                policy);
        checkArchitecture(violations, "instanceFleets.masterInstances", fleets.masterInstances());
        checkArchitecture(
                violations,
                "instanceFleets.coreInstancesAndWeights",
                List.copyOf(fleets.coreInstancesAndWeights().weights().keySet()));
        checkArchitecture(
                violations,
                "instanceFleets.taskInstancesAndWeights",
                List.copyOf(fleets.taskInstancesAndWeights().weights().keySet()));
        if (fleets.masterInstances().isEmpty()) {
            violations.add(new Violation("instanceFleets.masterInstances", "needs at least one instance type"));
        }
        if (fleets.coreInstancesAndWeights().weights().isEmpty()) {
            violations.add(new Violation(
                    "instanceFleets.coreInstancesAndWeights", "needs at least one instance " + "type with its weight"));
        }
        boolean negative = Math.min(
                        Math.min(fleets.coreTargetOnDemandCapacity(), fleets.coreTargetSpotCapacity()),
                        Math.min(fleets.taskTargetOnDemandCapacity(), fleets.taskTargetSpotCapacity()))
                < 0;
        int core = fleets.coreTargetOnDemandCapacity() + fleets.coreTargetSpotCapacity();
        if (!negative && (core < 1 || core > policy.maxCoreCapacity())) {
            violations.add(new Violation(
                    "instanceFleets.coreTargetOnDemandCapacity",
                    "core capacity (on-demand + " + "spot) is " + core + "; it must be between 1 and "
                            + policy.maxCoreCapacity()));
        }
        int task = fleets.taskTargetOnDemandCapacity() + fleets.taskTargetSpotCapacity();
        if (!negative && task > policy.maxTaskCapacity()) {
            violations.add(new Violation(
                    "instanceFleets.taskTargetOnDemandCapacity",
                    "task capacity is " + task + "; it must be between 0 and " + policy.maxTaskCapacity()));
        }
        if (fleets.volumeSizeInGbMaster() > policy.maxVolumeSizeGb()
                || fleets.volumeSizeInGbWorker() > policy.maxVolumeSizeGb()) {
            violations.add(new Violation(
                    "instanceFleets.volumeSizeInGbWorker",
                    "EBS volumes may be at most " + policy.maxVolumeSizeGb() + " GB"));
        }
        if (fleets.numberOfVolumesPerNode() < 1 || fleets.numberOfVolumesPerNode() > policy.maxVolumesPerNode()) {
            violations.add(new Violation(
                    "instanceFleets.numberOfVolumesPerNode", "must be between 1 and " + policy.maxVolumesPerNode()));
        }
        Duration idle = idleTimeout();
        if (idle != null && (idle.toSeconds() < 60 || idle.toSeconds() > 7 * 24 * 3600)) {
            violations.add(new Violation("idleTimeoutSeconds", "EMR accepts 60 seconds to 7 days"));
        }
        for (String path : overwrites.keySet()) {
            if (!OVERWRITABLE.contains(path)) {
                String instead = INSTEAD.entrySet().stream()
                        .filter(e -> path.equals(e.getKey()) || path.startsWith(e.getKey() + "."))
                        .map(e -> "; set '" + e.getValue() + "' instead")
                        .findFirst()
                        .orElse("");
                violations.add(new Violation(
                        "overwrites." + path,
                        "is not a field an overwrite may set (the " + "platform owns it)" + instead + "; overwritable: "
                                + new TreeSet<>(OVERWRITABLE)));
                continue;
            }
            try {
                RunJobFlowRequests.fromMap(apply(Map.of(), path, overwrites.get(path)));
            } catch (IllegalArgumentException | ClassCastException e) {
                violations.add(new Violation("overwrites." + path, e.getMessage()));
            }
        }
    }

    private void checkManagedScaling(List<Violation> violations, InstancePolicy policy) {
        if (managedScaling == null) {
            return;
        }
        ManagedScaling m = managedScaling;
        int most = policy.maxCoreCapacity() + policy.maxTaskCapacity();
        if (m.minimumCapacityUnits() < 1 || m.minimumCapacityUnits() > m.maximumCapacityUnits()) {
            violations.add(new Violation(
                    "managedScaling.minimumCapacityUnits",
                    "is " + m.minimumCapacityUnits() + "; it must be at least 1 and at most maximumCapacityUnits ("
                            + m.maximumCapacityUnits() + ")"));
        }
        if (m.maximumCapacityUnits() > most) {
            violations.add(new Violation(
                    "managedScaling.maximumCapacityUnits",
                    "is " + m.maximumCapacityUnits() + "; the platform's policy allows at most " + most
                            + " (core + task capacity)"));
        }
        if (m.maximumOnDemandCapacityUnits() < 0 || m.maximumOnDemandCapacityUnits() > m.maximumCapacityUnits()) {
            violations.add(new Violation(
                    "managedScaling.maximumOnDemandCapacityUnits",
                    "is "
                            + m.maximumOnDemandCapacityUnits() + "; it must be between 0 and maximumCapacityUnits ("
                            + m.maximumCapacityUnits() + ")"));
        }
        if (m.maximumCoreCapacityUnits() < 1
                || m.maximumCoreCapacityUnits() > m.maximumCapacityUnits()
                || m.maximumCoreCapacityUnits() > policy.maxCoreCapacity()) {
            violations.add(new Violation(
                    "managedScaling.maximumCoreCapacityUnits",
                    "is "
                            + m.maximumCoreCapacityUnits() + "; it must be between 1 and the smaller of "
                            + "maximumCapacityUnits (" + m.maximumCapacityUnits() + ") and the policy's core capacity ("
                            + policy.maxCoreCapacity() + ")"));
        }
    }

    private static void checkCapacity(List<Violation> violations, String field, int capacity) {
        if (capacity < 0) {
            violations.add(new Violation(field, "is " + capacity + "; a capacity cannot be negative"));
        }
    }

    private static void checkWeights(List<Violation> violations, String field, InstanceWeightRatio ratio) {
        ratio.weights().forEach((type, weight) -> {
            if (weight == null || weight < 1) {
                violations.add(new Violation(
                        field + "[" + type + "]",
                        "weight is " + weight + "; each instance type" + " counts for a capacity of at least 1"));
            }
        });
    }

    /** Arm (Graviton) or x86, from the family: a 'g' after the generation digit ({@code m6g}, {@code c7gn}). */
    static boolean isGraviton(String instanceType) {
        String family =
                instanceType.contains(".") ? instanceType.substring(0, instanceType.indexOf('.')) : instanceType;
        return family.equals("a1") || family.matches("[a-z]+\\d+[a-z-]*g[a-z-]*");
    }

    private void checkArchitecture(List<Violation> violations, String field, List<String> types) {
        List<String> arm = types.stream().filter(ClusterConfig::isGraviton).toList();
        List<String> x86 = types.stream().filter(t -> !isGraviton(t)).toList();
        if (!arm.isEmpty() && !x86.isEmpty()) {
            violations.add(new Violation(
                    field,
                    "mixes Arm (Graviton) types " + arm + " with x86 types " + x86
                            + "; a fleet runs one architecture (Python environments are built for one)"));
        } else if (graviton && !x86.isEmpty()) {
            violations.add(new Violation(
                    field,
                    "x86 instance types " + x86 + " on a Graviton cluster; use Arm "
                            + "types (m6g, m7g, r6g, ...) or set graviton to false"));
        } else if (!graviton && !arm.isEmpty()) {
            violations.add(new Violation(
                    field,
                    "Arm (Graviton) instance types " + arm + " on an x86 cluster; set "
                            + "graviton to true or use x86 types"));
        }
    }

    private void checkRelease(List<Violation> violations, PlatformDefaults defaults) {
        String release = releaseLabel != null ? releaseLabel : defaults.releaseLabel();
        List<String> apps = applications != null ? applications : defaults.applications();
        if (apps.stream().noneMatch("Livy"::equalsIgnoreCase) || apps.stream().noneMatch("Spark"::equalsIgnoreCase)) {
            violations.add(new Violation(
                    "applications",
                    "is " + apps + "; it must include Spark and Livy: the "
                            + "platform submits apps through Livy on the master node"));
        }
        if (release == null) {
            return;
        }
        if (!RELEASE.matcher(release).matches()) {
            violations.add(new Violation(
                    "releaseLabel", "'" + release + "' is not an EMR release label such as " + "emr-7.5.0"));
            return;
        }
        if (compareReleases(release, LIVY_SINCE) < 0) {
            violations.add(new Violation(
                    "releaseLabel",
                    release + " has no Livy (EMR has it since " + LIVY_SINCE + "); use a newer release"));
        }
        java.util.Set<String> classifications =
                new java.util.TreeSet<>(defaults.configurations().keySet());
        classifications.addAll(configurations.keySet());
        for (String classification : classifications) {
            String since = CLASSIFICATION_SINCE.get(classification);
            if (since != null && compareReleases(release, since) < 0) {
                violations.add(new Violation(
                        configurations.containsKey(classification)
                                ? "configurations." + classification
                                : "releaseLabel",
                        release + " does not know the "
                                + "classification '" + classification + "' (EMR has it since " + since + ")"
                                + (configurations.containsKey(classification)
                                        ? "; remove it or use a newer release"
                                        : ", which the platform sets on every cluster; use " + since + " or newer")));
            }
        }
    }

    private static int compareReleases(String a, String b) {
        var ma = RELEASE.matcher(a);
        var mb = RELEASE.matcher(b);
        if (!ma.matches() || !mb.matches()) {
            throw new IllegalArgumentException("not release labels: " + a + ", " + b);
        }
        for (int i = 1; i <= 3; i++) {
            int c = Integer.compare(Integer.parseInt(ma.group(i)), Integer.parseInt(mb.group(i)));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static void checkBootstrapPath(
            List<Violation> violations, String field, String path, PlatformDefaults defaults) {
        if (defaults.bootstrapBuckets() == null) {
            return;
        }
        var m = BUCKET_PATH.matcher(path == null ? "" : path);
        if (!m.matches()) {
            violations.add(new Violation(field, "'" + path + "' must be an s3://bucket/key of a script"));
        } else if (!defaults.bootstrapBuckets().contains(m.group(1))) {
            violations.add(new Violation(
                    field,
                    "bucket '" + m.group(1) + "' is not one bootstrap scripts may come " + "from; allowed: "
                            + defaults.bootstrapBuckets()));
        }
    }

    /**
     * Checks the request as it would be sent: the platform's roles, network, tags and instance rules hold whatever
     * the config and its overwrites did.
     */
    private static void checkRequest(RunJobFlowRequest request, PlatformDefaults defaults, List<Violation> violations) {
        if (!java.util.Objects.equals(request.serviceRole(), defaults.serviceRole())
                || !java.util.Objects.equals(request.jobFlowRole(), defaults.jobFlowRole())) {
            violations.add(new Violation("overwrites", "the cluster's roles are the platform's"));
        }
        Map<String, String> requestTags = new LinkedHashMap<>();
        request.tags().forEach(t -> requestTags.put(t.key(), t.value()));
        defaults.tags().forEach((k, v) -> {
            if (!v.equals(requestTags.get(k))) {
                violations.add(new Violation("tags." + k, "the platform's tag must be '" + v + "'"));
            }
        });
        if (!requestTags.containsKey(PLATFORM_ID_TAG)) {
            violations.add(new Violation("tags." + PLATFORM_ID_TAG, "the platform's id tag is missing"));
        }
        var instances = request.instances();
        if (instances == null
                || !Boolean.TRUE.equals(instances.keepJobFlowAliveWhenNoSteps())
                || Boolean.TRUE.equals(instances.terminationProtected())) {
            violations.add(new Violation("overwrites", "the cluster must stay up without steps and be terminable"));
            return;
        }
        for (var fleet : instances.instanceFleets()) {
            for (var type : fleet.instanceTypeConfigs()) {
                if (!defaults.policy().allows(type.instanceType())) {
                    violations.add(new Violation(
                            "instanceFleets",
                            "instance type " + type.instanceType() + " is not allowed by the platform's policy"));
                }
            }
        }
    }

    private static void checkTypes(
            List<Violation> violations, String field, List<String> types, InstancePolicy policy) {
        for (String type : types) {
            if (!policy.allows(type)) {
                violations.add(new Violation(
                        field + "[" + type + "]",
                        "instance type " + type + " is not allowed " + "by the platform's policy; allowed: "
                                + policy.allowedInstanceTypes()));
            }
        }
    }

    /** The boto3-shaped request: defaults, extended by this config, then the overwrites. */
    public Map<String, Object> toRequestMap(PlatformDefaults defaults, String platformClusterId) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("Name", name);
        request.put("ReleaseLabel", releaseLabel != null ? releaseLabel : defaults.releaseLabel());
        request.put(
                "Applications",
                (applications != null ? applications : defaults.applications())
                        .stream().map(a -> Map.of("Name", a)).toList());
        putIfSet(request, "LogUri", defaults.logUri());
        putIfSet(request, "ServiceRole", defaults.serviceRole());
        putIfSet(request, "JobFlowRole", defaults.jobFlowRole());
        request.put("VisibleToAllUsers", true);
        Map<String, Map<String, String>> merged = new LinkedHashMap<>();
        defaults.configurations().forEach((c, p) -> merged.put(c, new LinkedHashMap<>(p)));
        configurations.forEach(
                (c, p) -> merged.computeIfAbsent(c, k -> new LinkedHashMap<>()).putAll(p));
        request.put(
                "Configurations",
                merged.entrySet().stream()
                        .map(e -> Map.<String, Object>of("Classification", e.getKey(), "Properties", e.getValue()))
                        .toList());
        if (!bootstrapActions.isEmpty()) {
            request.put(
                    "BootstrapActions",
                    bootstrapActions.stream()
                            .map(b -> Map.<String, Object>of(
                                    "Name",
                                    b.name(),
                                    "ScriptBootstrapAction",
                                    Map.of("Path", b.path(), "Args", b.args())))
                            .toList());
        }
        Map<String, String> allTags = new LinkedHashMap<>(defaults.tags());
        allTags.putAll(tags);
        if (platformClusterId != null) {
            allTags.put(PLATFORM_ID_TAG, platformClusterId);
        }
        request.put(
                "Tags",
                allTags.entrySet().stream()
                        .map(e -> Map.of("Key", e.getKey(), "Value", e.getValue()))
                        .toList());
        if (idleTimeout != null) {
            request.put("AutoTerminationPolicy", Map.of("IdleTimeout", idleTimeout.toSeconds()));
        }
        if (managedScaling != null) {
            request.put(
                    "ManagedScalingPolicy",
                    Map.of(
                            "ComputeLimits",
                            Map.of(
                                    "UnitType", "InstanceFleetUnits",
                                    "MinimumCapacityUnits", managedScaling.minimumCapacityUnits(),
                                    "MaximumCapacityUnits", managedScaling.maximumCapacityUnits(),
                                    "MaximumOnDemandCapacityUnits", managedScaling.maximumOnDemandCapacityUnits(),
                                    "MaximumCoreCapacityUnits", managedScaling.maximumCoreCapacityUnits())));
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
        return InstanceFleets.builder()
                .masterInstances(family.toArray(String[]::new))
                .coreInstancesAndWeights(core)
                .coreTargetOnDemandCapacity(DEFAULT_CORE_CAPACITY)
                .build();
    }

    /** The core fleet's on-demand units of a config that names no fleets. */
    static final int DEFAULT_CORE_CAPACITY = 2;

    private static List<Map<String, Object>> fleetMaps(InstanceFleets f) {
        List<Map<String, Object>> fleets = new ArrayList<>();
        Map<String, Integer> master = new LinkedHashMap<>();
        f.masterInstances().forEach(type -> master.put(type, 1));
        fleets.add(fleet("Master", "MASTER", master, 1, 0, f.volumeSizeInGbMaster(), 1, f.launchSpecifications()));
        fleets.add(fleet(
                "Core",
                "CORE",
                f.coreInstancesAndWeights().weights(),
                f.coreTargetOnDemandCapacity(),
                f.coreTargetSpotCapacity(),
                f.volumeSizeInGbWorker(),
                f.numberOfVolumesPerNode(),
                f.launchSpecifications()));
        if (!f.taskInstancesAndWeights().weights().isEmpty()) {
            fleets.add(fleet(
                    "Task",
                    "TASK",
                    f.taskInstancesAndWeights().weights(),
                    f.taskTargetOnDemandCapacity(),
                    f.taskTargetSpotCapacity(),
                    f.volumeSizeInGbWorker(),
                    f.numberOfVolumesPerNode(),
                    f.launchSpecifications()));
        }
        return fleets;
    }

    private static Map<String, Object> fleet(
            String name,
            String type,
            Map<String, Integer> weights,
            int onDemand,
            int spot,
            int volumeGb,
            int volumes,
            LaunchSpecifications launch) {
        Map<String, Object> fleet = new LinkedHashMap<>();
        fleet.put("Name", name);
        fleet.put("InstanceFleetType", type);
        fleet.put("TargetOnDemandCapacity", onDemand);
        fleet.put("TargetSpotCapacity", spot);
        fleet.put(
                "InstanceTypeConfigs",
                weights.entrySet().stream()
                        .map(e -> Map.<String, Object>of(
                                "InstanceType", e.getKey(),
                                "WeightedCapacity", e.getValue(),
                                "EbsConfiguration",
                                        Map.of(
                                                "EbsBlockDeviceConfigs",
                                                List.of(Map.of(
                                                        "VolumeSpecification",
                                                        Map.of("VolumeType", "gp3", "SizeInGB", volumeGb),
                                                        "VolumesPerInstance",
                                                        volumes)))))
                        .toList());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("OnDemandSpecification", Map.of("AllocationStrategy", launch.onDemandAllocationStrategy()));
        if (spot > 0) {
            spec.put(
                    "SpotSpecification",
                    Map.of(
                            "TimeoutDurationMinutes",
                            launch.spotTimeoutMinutes(),
                            "TimeoutAction",
                            launch.spotTimeoutAction(),
                            "AllocationStrategy",
                            launch.spotAllocationStrategy()));
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
