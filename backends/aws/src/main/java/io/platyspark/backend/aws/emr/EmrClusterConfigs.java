package io.platyspark.backend.aws.emr;

import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.ClusterConfigException;
import io.platyspark.aws.emr.ClusterConfigJson;
import io.platyspark.aws.emr.DevClusterConfig;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.aws.emr.SharedClusterConfig;
import io.platyspark.aws.emr.Violation;
import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.submit.LivyRetention;
import io.platyspark.core.submit.SubmissionProperties;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cluster configs checked against the platform's EMR defaults and instance policy, and a {@code livy-conf}
 * retention against what exactly-once submission needs ({@link LivyRetention}), before anything reaches AWS.
 */
public class EmrClusterConfigs implements ClusterConfigs {

    /** The field a config's own Livy retention is named by in errors. */
    static final String RETENTION_FIELD = "configurations.livy-conf[" + LivyRetention.SETTING + "]";

    private final PlatformDefaults defaults;
    private final SubmissionProperties submission;
    private final java.util.function.UnaryOperator<ClusterConfig> sharedLimits;

    public EmrClusterConfigs(PlatformDefaults defaults, SubmissionProperties submission) {
        this(defaults, submission, java.util.function.UnaryOperator.identity());
    }

    /** @param sharedLimits adds the teams' YARN queue limits to a new shared cluster's config */
    public EmrClusterConfigs(
            PlatformDefaults defaults,
            SubmissionProperties submission,
            java.util.function.UnaryOperator<ClusterConfig> sharedLimits) {
        this.defaults = defaults;
        this.submission = submission;
        this.sharedLimits = sharedLimits;
    }

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
        List<Violation> violations = new java.util.ArrayList<>(config.validate(defaults));
        // Installed by pip on every node from a script the platform writes: held to the same grammar as an app's.
        for (int i = 0; i < config.pythonRequirements().size(); i++) {
            String problem = io.platyspark.core.env.EnvSpec.requirementProblem(
                    config.pythonRequirements().get(i));
            if (problem != null) {
                violations.add(new Violation("pythonRequirements[" + i + "]", problem));
            }
        }
        for (int i = 0; i < config.bootstrapActions().size(); i++) {
            if (ClusterConfig.PLATFORM_BOOTSTRAP.equals(
                    config.bootstrapActions().get(i).name())) {
                violations.add(new Violation(
                        "bootstrapActions[" + i + "].name",
                        "'" + ClusterConfig.PLATFORM_BOOTSTRAP
                                + "' is the platform's own bootstrap action; name yours differently"));
            }
        }
        String tagged = config.tags().get("team");
        if (team != null && tagged != null && !tagged.isBlank() && !team.equals(tagged)) {
            // Cost attribution follows the owner: a team cannot bill another, an admin acts for the named team.
            violations.add(
                    new Violation(
                            "tags.team",
                            "is '" + tagged + "' but the cluster belongs to team '" + team
                                    + "'; tag it with its owning team (an admin names the team with the request's team field)"));
        }
        // The platform's default retention is checked when the server starts; a config may set its own, and a
        // short one would let a crashed worker's retry run a finished job again on that cluster.
        Map<String, String> livyConf = config.configurations().get("livy-conf");
        String retention = livyConf == null ? null : livyConf.get(LivyRetention.SETTING);
        if (retention != null) {
            LivyRetention.clusterConfigProblem(
                            retention, LivyRetention.fromConfigurations(defaults.configurations()), submission)
                    .ifPresent(problem -> violations.add(new Violation(RETENTION_FIELD, problem)));
        }
        if (!violations.isEmpty()) {
            throw invalid(field, violations);
        }
        return new ValidConfig(ClusterConfigJson.write(config), config.idleTimeout(), config.capacityUnits());
    }

    @Override
    public Optional<ValidConfig> preset(ClusterKind kind, String name, String team) {
        ClusterConfig preset = switch (kind) {
            case SHARED -> sharedLimits.apply(new SharedClusterConfig(name));
            case DEV -> new DevClusterConfig(name, team);
            default -> null;
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
