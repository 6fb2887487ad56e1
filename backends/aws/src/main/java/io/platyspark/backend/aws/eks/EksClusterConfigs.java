package io.platyspark.backend.aws.eks;

import io.platyspark.backend.aws.awsjobs.JobClusterConfig;
import io.platyspark.backend.aws.awsjobs.JobRunPolicy;
import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterKind;
import java.util.Map;
import java.util.Optional;

/**
 * Checks an EKS cluster's config against the admin's policy before anything reaches AWS, and completes it with the
 * policy's release, the team's execution role and the log location, so every job run starts from the stored
 * config alone. Either {@code virtualClusterId} (register an existing one) or the EKS cluster and namespace to make
 * one in (both defaulted from the platform's settings).
 */
public class EksClusterConfigs implements ClusterConfigs {

    private final EksProperties properties;
    private final JobRunPolicy policy;

    public EksClusterConfigs(EksProperties properties) {
        this.properties = properties;
        this.policy = properties.policy();
    }

    @Override
    public boolean handles(ClusterKind kind) {
        return kind == ClusterKind.EKS;
    }

    @Override
    public ValidConfig validate(String field, String json, String name, String team) {
        JobClusterConfig c = JobClusterConfig.parse(field, json);
        for (var serverlessOnly : Map.of(
                        "applicationId",
                        c.applicationId() != null,
                        "architecture",
                        c.architecture() != null,
                        "maximumCapacity",
                        c.maximumCapacity() != null,
                        "idleTimeoutMinutes",
                        c.idleTimeoutMinutes() != null)
                .entrySet()) {
            if (serverlessOnly.getValue()) {
                throw new InvalidFieldException(
                        field + "." + serverlessOnly.getKey(),
                        "is a setting of SERVERLESS "
                                + "clusters; an EKS cluster takes virtualClusterId, or eksCluster and namespace");
            }
        }
        String tagged = c.tags().get("team");
        if (team != null && tagged != null && !tagged.equals(team)) {
            throw new InvalidFieldException(
                    field + ".tags.team",
                    "is '" + tagged + "' but the cluster belongs to " + "team '" + team
                            + "'; leave it out or name the owning team");
        }
        String eksCluster = null;
        String namespace = null;
        if (c.virtualClusterId() == null) {
            eksCluster = c.eksCluster() != null ? c.eksCluster() : properties.eksCluster();
            if (eksCluster == null) {
                throw new InvalidFieldException(
                        field + ".virtualClusterId",
                        "is required: this platform has no EKS "
                                + "cluster to make virtual clusters in (platy.eks.eks-cluster); register an existing virtual "
                                + "cluster by its id");
            }
            if (c.eksCluster() != null
                    && properties.eksCluster() != null
                    && !c.eksCluster().equals(properties.eksCluster())) {
                throw new InvalidFieldException(
                        field + ".eksCluster",
                        "virtual clusters are made in EKS cluster '" + properties.eksCluster()
                                + "' only; leave it out");
            }
            namespace = c.namespace() != null ? c.namespace() : properties.namespacePrefix() + name.toLowerCase();
            if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw new InvalidFieldException(
                        field + ".namespace",
                        "'" + namespace + "' is no Kubernetes "
                                + "namespace name: lower-case letters, digits and '-', at most 63");
            }
        } else if (c.eksCluster() != null || c.namespace() != null) {
            throw new InvalidFieldException(
                    field + ".virtualClusterId",
                    "give either a virtualClusterId (register "
                            + "an existing virtual cluster) or eksCluster/namespace (the platform makes one), not both");
        }
        String logUri = policy.logUri(field + ".logUri", c.logUri());
        JobClusterConfig complete = new JobClusterConfig(
                        c.virtualClusterId(),
                        eksCluster,
                        namespace,
                        null,
                        policy.releaseLabel(field + ".releaseLabel", c.releaseLabel()),
                        policy.executionRole(field + ".executionRoleArn", team, c.executionRoleArn()),
                        logUri,
                        null,
                        null,
                        null,
                        c.tags())
                .withTags(team == null ? Map.of() : Map.of("team", team));
        return new ValidConfig(complete.json(), null);
    }

    @Override
    public Optional<ValidConfig> preset(ClusterKind kind, String name, String team) {
        // Without a config the platform makes the team a virtual cluster from its own settings.
        return Optional.of(validate("config", null, name, team));
    }
}
