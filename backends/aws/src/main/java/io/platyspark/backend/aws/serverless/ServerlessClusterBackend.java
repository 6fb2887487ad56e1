package io.platyspark.backend.aws.serverless;

import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.serverless.EmrServerlessJobs;
import io.platyspark.backend.aws.awsjobs.AwsJobCalls;
import io.platyspark.backend.aws.awsjobs.JobClusterConfig;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendUnavailableException;
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
 * EMR Serverless applications. A registered one (its config names an {@code applicationId}) is only looked at and
 * forgotten on terminate; one the platform makes is named after the cluster, tagged with the platform's cluster id
 * (adopted by it when a create's answer was lost), stops itself when idle (AWS's auto-stop, so the cleaner leaves
 * it alone) and is stopped and deleted on terminate. A stopped application is still ready: a job run starts it.
 * A cycle reads all applications with one {@code ListApplications} walk.
 */
public class ServerlessClusterBackend implements ClusterBackend {

    static final String NAME = "emr-serverless";

    private final EmrServerlessJobs serverless;

    public ServerlessClusterBackend(EmrServerlessJobs serverless) {
        this.serverless = serverless;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.kind() == ClusterKind.SERVERLESS;
    }

    @Override
    public ClusterStatus create(Cluster cluster) {
        JobClusterConfig config = JobClusterConfig.stored(cluster.config());
        if (config.applicationId() != null) {
            return status(
                    cluster,
                    AwsJobCalls.call(
                            NAME,
                            "get application " + config.applicationId(),
                            () -> serverless.getApplication(config.applicationId())));
        }
        String platformId = cluster.id().toString();
        for (var candidate : AwsJobCalls.call(NAME, "list applications", serverless::listApplications)) {
            if (cluster.name().equals(candidate.name()) && !"TERMINATED".equals(candidate.state())) {
                var described =
                        AwsJobCalls.call(NAME, "get application", () -> serverless.getApplication(candidate.id()));
                if (platformId.equals(described.tags().get(ClusterConfig.PLATFORM_ID_TAG))) {
                    return new ClusterStatus(
                            described.id(),
                            ClusterState.STARTING,
                            "adopted the application an earlier attempt created",
                            null,
                            null);
                }
            }
        }
        Map<String, String> tags = new TreeMap<>(config.tags());
        tags.put(ClusterConfig.PLATFORM_ID_TAG, platformId);
        tags.put("platform", "platyspark");
        String id = AwsJobCalls.call(
                NAME,
                "create application",
                () -> serverless.createApplication(new EmrServerlessJobs.ApplicationSpec(
                        cluster.name(),
                        config.releaseLabel(),
                        config.architecture(),
                        config.maximumCapacity() == null ? Map.of() : config.maximumCapacity(),
                        config.idleTimeoutMinutes() == null ? 15 : config.idleTimeoutMinutes(),
                        tags,
                        platformId)));
        return new ClusterStatus(id, ClusterState.STARTING, "creating", null, null);
    }

    @Override
    public ClusterStatus describe(Cluster cluster) {
        return status(
                cluster,
                AwsJobCalls.call(
                        NAME,
                        "get application " + cluster.externalId(),
                        () -> serverless.getApplication(cluster.externalId())));
    }

    @Override
    public Map<UUID, ClusterStatus> describeAll(Collection<Cluster> clusters) {
        if (clusters.isEmpty()) {
            return Map.of();
        }
        Map<String, EmrServerlessJobs.ApplicationInfo> listed = new HashMap<>();
        AwsJobCalls.call(NAME, "list applications", serverless::listApplications)
                .forEach(a -> listed.put(a.id(), a));
        Map<UUID, ClusterStatus> statuses = new HashMap<>();
        for (Cluster cluster : clusters) {
            var info = listed.get(cluster.externalId());
            statuses.put(
                    cluster.id(),
                    info != null
                            ? status(cluster, info)
                            : new ClusterStatus(
                                    cluster.externalId(),
                                    ClusterState.TERMINATED,
                                    "EMR Serverless no longer " + "lists application " + cluster.externalId(),
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
        String id = cluster.externalId();
        try {
            AwsJobCalls.run(NAME, "delete application " + id, () -> serverless.deleteApplication(id));
        } catch (BackendRejectedException e) {
            // Only a stopped application can be deleted: stop it; the watchdog repeats the terminate until it is.
            AwsJobCalls.run(NAME, "stop application " + id, () -> serverless.stopApplication(id));
            throw new BackendUnavailableException(
                    NAME, "application " + id + " is stopping; it is deleted once " + "stopped", e);
        }
    }

    private static boolean registered(Cluster cluster) {
        return JobClusterConfig.stored(cluster.config()).applicationId() != null;
    }

    private static ClusterStatus status(Cluster cluster, EmrServerlessJobs.ApplicationInfo a) {
        if (registered(cluster) && cluster.state().isEnding()) {
            return new ClusterStatus(
                    a.id(),
                    ClusterState.TERMINATED,
                    "deregistered; application " + a.id() + " itself is left as it is",
                    null,
                    null);
        }
        ClusterState state = switch (a.state() == null ? "" : a.state()) {
            case "CREATING" -> ClusterState.STARTING;
            case "TERMINATED" -> ClusterState.TERMINATED;
            default -> ClusterState.WAITING; // CREATED, STARTING, STARTED, STOPPING, STOPPED: a job run starts it
        };
        String reason = "application " + a.id() + " is " + a.state()
                + (a.stateDetails() == null || a.stateDetails().isBlank() ? "" : ": " + a.stateDetails());
        return new ClusterStatus(a.id(), state, reason, null, null);
    }
}
