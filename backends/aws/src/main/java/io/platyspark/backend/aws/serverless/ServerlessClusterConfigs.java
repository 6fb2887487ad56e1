package io.platyspark.backend.aws.serverless;

import io.platyspark.backend.aws.awsjobs.JobClusterConfig;
import io.platyspark.backend.aws.awsjobs.JobRunPolicy;
import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterKind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Serverless application's config against the admin's policy (release, architecture, capacity limits,
 * the team's execution role, log location) before anything reaches AWS, and completes it with the policy's
 * defaults. Either {@code applicationId} (register an existing application) or what to make one from.
 */
public class ServerlessClusterConfigs implements ClusterConfigs {

    private static final Pattern CPU = Pattern.compile("(\\d{1,9})\\s*vCPU", Pattern.CASE_INSENSITIVE);
    private static final Pattern MEMORY = Pattern.compile("(\\d{1,9})\\s*GB", Pattern.CASE_INSENSITIVE);

    private final ServerlessProperties properties;
    private final JobRunPolicy policy;

    public ServerlessClusterConfigs(ServerlessProperties properties) {
        this.properties = properties;
        this.policy = properties.policy();
    }

    @Override
    public boolean handles(ClusterKind kind) {
        return kind == ClusterKind.SERVERLESS;
    }

    @Override
    public ValidConfig validate(String field, String json, String name, String team) {
        JobClusterConfig c = JobClusterConfig.parse(field, json);
        for (var eksOnly : Map.of(
                        "virtualClusterId",
                        c.virtualClusterId() != null,
                        "eksCluster",
                        c.eksCluster() != null,
                        "namespace",
                        c.namespace() != null)
                .entrySet()) {
            if (eksOnly.getValue()) {
                throw new InvalidFieldException(
                        field + "." + eksOnly.getKey(),
                        "is a setting of EKS clusters; a "
                                + "SERVERLESS cluster takes applicationId, or releaseLabel, architecture, maximumCapacity "
                                + "and idleTimeoutMinutes");
            }
        }
        String tagged = c.tags().get("team");
        if (team != null && tagged != null && !tagged.equals(team)) {
            throw new InvalidFieldException(
                    field + ".tags.team",
                    "is '" + tagged + "' but the cluster belongs to " + "team '" + team
                            + "'; leave it out or name the owning team");
        }
        String architecture = null;
        Map<String, String> capacity = null;
        Integer idle = null;
        if (c.applicationId() == null) {
            architecture = c.architecture() != null ? c.architecture() : properties.architecture();
            if (!architecture.equals("ARM64") && !architecture.equals("X86_64")) {
                throw new InvalidFieldException(
                        field + ".architecture", "'" + architecture + "' is not ARM64 or " + "X86_64");
            }
            capacity = capacity(field + ".maximumCapacity", c.maximumCapacity());
            idle = c.idleTimeoutMinutes() != null
                    ? c.idleTimeoutMinutes()
                    : (int) Math.max(1, properties.idleTimeout().toMinutes());
            if (idle < 1 || idle > 10080) {
                throw new InvalidFieldException(field + ".idleTimeoutMinutes", "must be 1 to 10080 (AWS's range)");
            }
        } else if (c.architecture() != null || c.maximumCapacity() != null || c.idleTimeoutMinutes() != null) {
            throw new InvalidFieldException(
                    field + ".applicationId",
                    "give either an applicationId (register an "
                            + "existing application, with its own settings) or the settings to make one, not both");
        }
        JobClusterConfig complete = new JobClusterConfig(
                        null,
                        null,
                        null,
                        c.applicationId(),
                        policy.releaseLabel(field + ".releaseLabel", c.releaseLabel()),
                        policy.executionRole(field + ".executionRoleArn", team, c.executionRoleArn()),
                        policy.logUri(field + ".logUri", c.logUri()),
                        architecture,
                        capacity,
                        idle,
                        c.tags())
                .withTags(team == null ? Map.of() : Map.of("team", team));
        return new ValidConfig(complete.json(), null);
    }

    @Override
    public Optional<ValidConfig> preset(ClusterKind kind, String name, String team) {
        return Optional.of(validate("config", null, name, team));
    }

    private Map<String, String> capacity(String field, Map<String, String> requested) {
        Map<String, String> capacity = new LinkedHashMap<>();
        capacity.put("cpu", properties.maxCpu() + " vCPU");
        capacity.put("memory", properties.maxMemoryGb() + " GB");
        if (requested == null) {
            return capacity;
        }
        for (var entry : requested.entrySet()) {
            switch (entry.getKey()) {
                case "cpu" ->
                    capacity.put("cpu", within(field + ".cpu", entry.getValue(), CPU, properties.maxCpu(), "vCPU"));
                case "memory" ->
                    capacity.put(
                            "memory",
                            within(field + ".memory", entry.getValue(), MEMORY, properties.maxMemoryGb(), "GB"));
                case "disk" -> capacity.put("disk", entry.getValue());
                default ->
                    throw new InvalidFieldException(
                            field + "." + entry.getKey(), "is not a capacity; use " + "cpu, memory or disk");
            }
        }
        return capacity;
    }

    private static String within(String field, String value, Pattern pattern, int max, String unit) {
        Matcher m = value == null ? null : pattern.matcher(value.trim());
        if (m == null || !m.matches()) {
            throw new InvalidFieldException(field, "'" + value + "' is not a capacity like \"16 " + unit + "\"");
        }
        long n = Long.parseLong(m.group(1));
        if (n < 1 || n > max) {
            throw new InvalidFieldException(field, "asks for " + n + " " + unit + "; the platform allows 1 to " + max);
        }
        return n + " " + unit;
    }
}
