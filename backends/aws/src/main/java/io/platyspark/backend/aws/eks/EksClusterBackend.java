package io.platyspark.backend.aws.eks;

import io.platyspark.aws.eks.EmrOnEksJobs;
import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.backend.aws.awsjobs.AwsJobCalls;
import io.platyspark.backend.aws.awsjobs.JobClusterConfig;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * EMR on EKS virtual clusters. A registered one (its config names a {@code virtualClusterId}) is only looked at and,
 * on terminate, forgotten; one the platform makes carries the platform's cluster id as a tag and is adopted by it
 * when a create's answer was lost, and is deleted on terminate. A cycle reads all virtual clusters with one
 * {@code ListVirtualClusters} walk.
 */
public class EksClusterBackend implements ClusterBackend {

    static final String NAME = "emr-eks";

    private final EmrOnEksJobs eks;

    public EksClusterBackend(EmrOnEksJobs eks) {
        this.eks = eks;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.kind() == ClusterKind.EKS;
    }

    @Override
    public ClusterStatus create(Cluster cluster) {
        JobClusterConfig config = JobClusterConfig.stored(cluster.config());
        if (config.virtualClusterId() != null) {
            return status(
                    cluster,
                    AwsJobCalls.call(
                            NAME,
                            "describe virtual cluster " + config.virtualClusterId(),
                            () -> eks.describeVirtualCluster(config.virtualClusterId())));
        }
        String platformId = cluster.id().toString();
        var adopted = AwsJobCalls.call(NAME, "list virtual clusters", eks::listVirtualClusters).stream()
                .filter(v -> platformId.equals(v.tags().get(ClusterConfig.PLATFORM_ID_TAG)))
                .filter(v -> !"TERMINATED".equals(v.state()))
                .findFirst();
        if (adopted.isPresent()) {
            return new ClusterStatus(
                    adopted.get().id(),
                    ClusterState.STARTING,
                    "adopted the virtual cluster an earlier attempt created",
                    null,
                    null);
        }
        Map<String, String> tags = new TreeMap<>(config.tags());
        tags.put(ClusterConfig.PLATFORM_ID_TAG, platformId);
        tags.put("platform", "platyspark");
        String id = AwsJobCalls.call(
                NAME,
                "create virtual cluster",
                () -> eks.createVirtualCluster(
                        cluster.name(), config.eksCluster(), config.namespace(), tags, platformId));
        return new ClusterStatus(id, ClusterState.STARTING, "creating", null, null);
    }

    @Override
    public ClusterStatus describe(Cluster cluster) {
        return status(
                cluster,
                AwsJobCalls.call(
                        NAME,
                        "describe virtual cluster " + cluster.externalId(),
                        () -> eks.describeVirtualCluster(cluster.externalId())));
    }

    @Override
    public Map<UUID, ClusterStatus> describeAll(Collection<Cluster> clusters) {
        if (clusters.isEmpty()) {
            return Map.of();
        }
        Map<String, EmrOnEksJobs.VirtualClusterInfo> listed = new HashMap<>();
        AwsJobCalls.call(NAME, "list virtual clusters", eks::listVirtualClusters)
                .forEach(v -> listed.put(v.id(), v));
        Map<UUID, ClusterStatus> statuses = new HashMap<>();
        for (Cluster cluster : clusters) {
            EmrOnEksJobs.VirtualClusterInfo info = listed.get(cluster.externalId());
            statuses.put(
                    cluster.id(),
                    info != null
                            ? status(cluster, info)
                            : new ClusterStatus(
                                    cluster.externalId(),
                                    ClusterState.TERMINATED,
                                    "EMR on EKS no longer lists " + "virtual cluster " + cluster.externalId(),
                                    null,
                                    null));
        }
        return statuses;
    }

    @Override
    public void terminate(Cluster cluster) {
        if (registered(cluster) || cluster.externalId() == null) {
            return; // not the platform's to delete: forgetting it is all
        }
        AwsJobCalls.run(
                NAME,
                "delete virtual cluster " + cluster.externalId(),
                () -> eks.deleteVirtualCluster(cluster.externalId()));
    }

    private static boolean registered(Cluster cluster) {
        return JobClusterConfig.stored(cluster.config()).virtualClusterId() != null;
    }

    private static ClusterStatus status(Cluster cluster, EmrOnEksJobs.VirtualClusterInfo v) {
        if (registered(cluster) && cluster.state().isEnding()) {
            return new ClusterStatus(
                    v.id(),
                    ClusterState.TERMINATED,
                    "deregistered; virtual cluster " + v.id() + " itself is left as it is",
                    null,
                    null);
        }
        ClusterState state = switch (v.state() == null ? "" : v.state()) {
            case "RUNNING" -> ClusterState.WAITING;
            case "TERMINATING" -> ClusterState.TERMINATING;
            case "TERMINATED" -> ClusterState.TERMINATED;
            case "ARRESTED" -> ClusterState.TERMINATED_WITH_ERRORS;
            default -> ClusterState.STARTING;
        };
        String reason = switch (state) {
            case WAITING -> "virtual cluster " + v.id() + " in namespace " + v.namespace();
            case TERMINATED_WITH_ERRORS ->
                "virtual cluster " + v.id() + " is ARRESTED (EMR lost access to its " + "namespace)";
            default -> "virtual cluster " + v.id() + " is " + v.state();
        };
        return new ClusterStatus(v.id(), state, reason, null, null);
    }
}
