package io.platyspark.backend.local.standalone;

import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.ClusterConfigException;
import io.platyspark.aws.emr.ClusterConfigJson;
import io.platyspark.aws.emr.DevClusterConfig;
import io.platyspark.aws.emr.SharedClusterConfig;
import io.platyspark.aws.emr.Violation;
import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterKind;
import java.util.List;
import java.util.Optional;

/**
 * Cluster configs for clusters on this machine: the same ClusterConfig JSON as for EMR, read with the same
 * field-naming errors. Instance types, subnets and roles mean nothing here and are kept, not checked; the core
 * and task capacities size the cluster ({@link StandaloneSizing}), {@code spark-defaults} become the apps'
 * defaults, and the idle timeout counts as on EMR. Every kind has a preset, so a config is optional.
 */
public class StandaloneClusterConfigs implements ClusterConfigs {

    @Override
    public ValidConfig validate(String field, String json, String name, String team) {
        ClusterConfig config;
        try {
            config = ClusterConfigJson.parse(json, name);
        } catch (ClusterConfigException e) {
            throw invalid(field, e.violations());
        }
        if (!name.equals(config.name())) {
            throw new InvalidFieldException(
                    field + ".name",
                    "is '" + config.name() + "' but the cluster is named '" + name
                            + "'; leave it out or make them equal");
        }
        String tagged = config.tags().get("team");
        if (team != null && tagged != null && !tagged.isBlank() && !team.equals(tagged)) {
            throw new InvalidFieldException(
                    field + ".tags.team",
                    "is '" + tagged + "' but the cluster belongs to "
                            + "team '" + team
                            + "'; tag it with its owning team (an admin names the team with the request's "
                            + "team field)");
        }
        // Counted as on EMR, by the capacity the config asks for: the same config costs a team the same quota
        // wherever it runs, however far this machine scales its workers down.
        return new ValidConfig(ClusterConfigJson.write(config), config.idleTimeout(), config.capacityUnits());
    }

    @Override
    public Optional<ValidConfig> preset(ClusterKind kind, String name, String team) {
        ClusterConfig preset = switch (kind) {
            case SHARED -> new SharedClusterConfig(name);
            case DEV -> new DevClusterConfig(name, team);
            case DEDICATED -> new ClusterConfig(name, true).withTag("team", team);
            case LOCAL, EKS, SERVERLESS -> null;
        };
        return Optional.ofNullable(preset)
                .map(c -> new ValidConfig(ClusterConfigJson.write(c), c.idleTimeout(), c.capacityUnits()));
    }

    private static InvalidFieldException invalid(String field, List<Violation> violations) {
        return InvalidFieldException.under(
                field,
                violations.stream()
                        .map(v -> new InvalidFieldException.FieldError(v.field(), v.message()))
                        .toList());
    }
}
