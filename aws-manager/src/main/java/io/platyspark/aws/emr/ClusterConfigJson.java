package io.platyspark.aws.emr;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of a {@link ClusterConfig}, as the REST API accepts it. It round-trips without loss, and a field
 * it does not know is an error naming that field (a typo must not silently fall back to a default).
 */
public final class ClusterConfigJson {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ClusterConfigJson() {}

    record Document(
            String name,
            Boolean graviton,
            String releaseLabel,
            List<String> applications,
            Fleets instanceFleets,
            Map<String, String> tags,
            Map<String, Map<String, String>> configurations,
            List<BootstrapAction> bootstrapActions,
            Long idleTimeoutSeconds,
            Map<String, Object> overwrites,
            ManagedScaling managedScaling,
            Boolean terminateAfterApp,
            List<String> pythonRequirements) {}

    record Fleets(
            List<String> masterInstances,
            Map<String, Integer> coreInstancesAndWeights,
            Map<String, Integer> taskInstancesAndWeights,
            Integer coreTargetOnDemandCapacity,
            Integer coreTargetSpotCapacity,
            Integer taskTargetOnDemandCapacity,
            Integer taskTargetSpotCapacity,
            Integer volumeSizeInGbMaster,
            Integer volumeSizeInGbWorker,
            Integer numberOfVolumesPerNode,
            Launch launchSpecifications) {}

    record Launch(
            String spotAllocationStrategy,
            Integer spotTimeoutMinutes,
            String spotTimeoutAction,
            String onDemandAllocationStrategy) {}

    /**
     * Reads a config.
     *
     * @param fallbackName the cluster name when the document has none
     * @throws ClusterConfigException naming the offending field
     */
    public static ClusterConfig parse(String json, String fallbackName) {
        Document doc;
        try {
            doc = JSON.readValue(json, Document.class);
        } catch (DatabindException e) {
            String field = e.getPath().stream()
                    .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            throw new ClusterConfigException(List.of(new Violation(
                    field.isEmpty() ? "config" : field, e.getOriginalMessage().split("\n")[0])));
        } catch (JacksonException e) {
            throw new ClusterConfigException(
                    List.of(new Violation("config", "is not valid JSON: " + e.getOriginalMessage())));
        }
        if (doc == null) {
            throw new ClusterConfigException(List.of(new Violation("config", "is empty")));
        }
        String name = doc.name() != null ? doc.name() : fallbackName;
        ClusterConfig config = new ClusterConfig(name, doc.graviton() == null || doc.graviton());
        if (doc.releaseLabel() != null) {
            config.withReleaseLabel(doc.releaseLabel());
        }
        if (doc.applications() != null) {
            config.withApplications(doc.applications().toArray(String[]::new));
        }
        if (doc.instanceFleets() != null) {
            config.withInstanceFleets(fleets(doc.instanceFleets()));
        }
        if (doc.tags() != null) {
            config.withTags(doc.tags());
        }
        if (doc.configurations() != null) {
            doc.configurations().forEach(config::withClusterConfigurations);
        }
        if (doc.bootstrapActions() != null) {
            doc.bootstrapActions()
                    .forEach(b -> config.withBootstrapAction(
                            b.name(), b.path(), b.args().toArray(String[]::new)));
        }
        if (doc.idleTimeoutSeconds() != null) {
            config.withIdleTimeout(Duration.ofSeconds(doc.idleTimeoutSeconds()));
        }
        if (doc.overwrites() != null) {
            doc.overwrites().forEach(config::overwrite);
        }
        if (doc.terminateAfterApp() != null) {
            config.withTerminateAfterApp(doc.terminateAfterApp());
        }
        if (doc.pythonRequirements() != null) {
            config.withPythonRequirements(doc.pythonRequirements());
        }
        if (doc.managedScaling() != null) {
            ManagedScaling m = doc.managedScaling();
            config.withManagedScaling(
                    m.minimumCapacityUnits(),
                    m.maximumCapacityUnits(),
                    m.maximumOnDemandCapacityUnits(),
                    m.maximumCoreCapacityUnits());
        }
        return config;
    }

    private static InstanceFleets fleets(Fleets f) {
        InstanceFleets.Builder builder = InstanceFleets.builder();
        if (f.masterInstances() != null) {
            builder.masterInstances(f.masterInstances().toArray(String[]::new));
        }
        if (f.coreInstancesAndWeights() != null) {
            builder.coreInstancesAndWeights(InstanceWeightRatio.of(f.coreInstancesAndWeights()));
        }
        if (f.taskInstancesAndWeights() != null) {
            builder.taskInstancesAndWeights(InstanceWeightRatio.of(f.taskInstancesAndWeights()));
        }
        if (f.coreTargetOnDemandCapacity() != null) {
            builder.coreTargetOnDemandCapacity(f.coreTargetOnDemandCapacity());
        }
        if (f.coreTargetSpotCapacity() != null) {
            builder.coreTargetSpotCapacity(f.coreTargetSpotCapacity());
        }
        if (f.taskTargetOnDemandCapacity() != null) {
            builder.taskTargetOnDemandCapacity(f.taskTargetOnDemandCapacity());
        }
        if (f.taskTargetSpotCapacity() != null) {
            builder.taskTargetSpotCapacity(f.taskTargetSpotCapacity());
        }
        if (f.volumeSizeInGbMaster() != null) {
            builder.volumeSizeInGbMaster(f.volumeSizeInGbMaster());
        }
        if (f.volumeSizeInGbWorker() != null) {
            builder.volumeSizeInGbWorker(f.volumeSizeInGbWorker());
        }
        if (f.numberOfVolumesPerNode() != null) {
            builder.numberOfVolumesPerNode(f.numberOfVolumesPerNode());
        }
        if (f.launchSpecifications() != null) {
            Launch l = f.launchSpecifications();
            LaunchSpecifications d = new LaunchSpecifications();
            builder.launchSpecifications(new LaunchSpecifications(
                    l.spotAllocationStrategy() != null ? l.spotAllocationStrategy() : d.spotAllocationStrategy(),
                    l.spotTimeoutMinutes() != null ? l.spotTimeoutMinutes() : d.spotTimeoutMinutes(),
                    l.spotTimeoutAction() != null ? l.spotTimeoutAction() : d.spotTimeoutAction(),
                    l.onDemandAllocationStrategy() != null
                            ? l.onDemandAllocationStrategy()
                            : d.onDemandAllocationStrategy()));
        }
        return builder.build();
    }

    /** The config as JSON; {@link #parse} of it gives an equal config. */
    public static String write(ClusterConfig config) {
        Fleets fleets = null;
        InstanceFleets f = config.instanceFleets();
        if (f != null) {
            LaunchSpecifications l = f.launchSpecifications();
            fleets = new Fleets(
                    f.masterInstances(),
                    f.coreInstancesAndWeights().weights(),
                    f.taskInstancesAndWeights().weights(),
                    f.coreTargetOnDemandCapacity(),
                    f.coreTargetSpotCapacity(),
                    f.taskTargetOnDemandCapacity(),
                    f.taskTargetSpotCapacity(),
                    f.volumeSizeInGbMaster(),
                    f.volumeSizeInGbWorker(),
                    f.numberOfVolumesPerNode(),
                    new Launch(
                            l.spotAllocationStrategy(),
                            l.spotTimeoutMinutes(),
                            l.spotTimeoutAction(),
                            l.onDemandAllocationStrategy()));
        }
        Duration idle = config.explicitIdleTimeout();
        Document doc = new Document(
                config.name(),
                config.graviton(),
                config.releaseLabel(),
                config.applications(),
                fleets,
                new LinkedHashMap<>(config.tags()),
                new LinkedHashMap<>(config.configurations()),
                config.bootstrapActions().isEmpty() ? null : config.bootstrapActions(),
                idle == null ? null : idle.toSeconds(),
                config.overwrites().isEmpty() ? null : new LinkedHashMap<>(config.overwrites()),
                config.managedScaling(),
                config.terminateAfterApp() ? Boolean.TRUE : null,
                config.pythonRequirements().isEmpty() ? null : config.pythonRequirements());
        return JSON.writeValueAsString(doc);
    }
}
