package io.platyspark.aws.eks;

import io.platyspark.aws.SingleAttempt;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.emrcontainers.EmrContainersClient;
import software.amazon.awssdk.services.emrcontainers.model.JobRun;
import software.amazon.awssdk.services.emrcontainers.model.StartJobRunResponse;
import software.amazon.awssdk.services.emrcontainers.model.VirtualCluster;

/**
 * Spark jobs on EMR on EKS (the second backend the write-up announces): virtual clusters and job runs. A job run is
 * started with a client token (the app's id), so EMR answers a repeated start with the same run. The start itself is
 * never repeated by the SDK: a stand-in that ignores the token (moto) would start a second run, so the caller retries,
 * after looking the run up by its name.
 */
public final class EmrOnEksJobs {

    private final EmrContainersClient client;

    public EmrOnEksJobs(EmrContainersClient client) {
        this.client = client;
    }

    /** A virtual cluster: an EKS namespace registered with EMR. */
    public record VirtualClusterInfo(String id, String name, String state, String namespace, Map<String, String> tags) {

        public VirtualClusterInfo(String id, String name, String state, String namespace) {
            this(id, name, state, namespace, Map.of());
        }
    }

    /** A job run's state ({@code PENDING, SUBMITTED, RUNNING, FAILED, CANCELLED, CANCEL_PENDING, COMPLETED}). */
    public record JobRunInfo(
            String id, String name, String virtualClusterId, String state, String stateDetails, String failureReason) {

        public boolean finished() {
            return List.of("FAILED", "CANCELLED", "COMPLETED").contains(state);
        }
    }

    /**
     * What to run.
     *
     * @param logUri where EMR writes the driver's and executors' logs ({@code s3://bucket/prefix}), null for none
     */
    public record JobRunSpec(
            String name,
            String virtualClusterId,
            String executionRoleArn,
            String releaseLabel,
            String entryPoint,
            List<String> entryPointArguments,
            String sparkSubmitParameters,
            Map<String, String> sparkConf,
            String clientToken,
            Map<String, String> tags,
            String logUri) {

        public JobRunSpec(
                String name,
                String virtualClusterId,
                String executionRoleArn,
                String releaseLabel,
                String entryPoint,
                List<String> entryPointArguments,
                String sparkSubmitParameters,
                Map<String, String> sparkConf,
                String clientToken) {
            this(
                    name,
                    virtualClusterId,
                    executionRoleArn,
                    releaseLabel,
                    entryPoint,
                    entryPointArguments,
                    sparkSubmitParameters,
                    sparkConf,
                    clientToken,
                    Map.of(),
                    null);
        }
    }

    public String createVirtualCluster(String name, String eksClusterName, String namespace) {
        return createVirtualCluster(name, eksClusterName, namespace, Map.of(), null);
    }

    /** Creates a virtual cluster; {@code clientToken} makes a repeated create answer the first one at EMR. */
    public String createVirtualCluster(
            String name, String eksClusterName, String namespace, Map<String, String> tags, String clientToken) {
        return client.createVirtualCluster(r -> r.name(name)
                        .tags(tags)
                        .clientToken(clientToken)
                        .containerProvider(
                                p -> p.type("EKS").id(eksClusterName).info(i -> i.eksInfo(e -> e.namespace(namespace))))
                        .overrideConfiguration(SingleAttempt::apply))
                .id();
    }

    public List<VirtualClusterInfo> listVirtualClusters() {
        return client.listVirtualClustersPaginator(r -> {}).virtualClusters().stream()
                .map(EmrOnEksJobs::info)
                .toList();
    }

    public VirtualClusterInfo describeVirtualCluster(String id) {
        return info(client.describeVirtualCluster(r -> r.id(id)).virtualCluster());
    }

    public void deleteVirtualCluster(String id) {
        client.deleteVirtualCluster(r -> r.id(id));
    }

    public String startJobRun(JobRunSpec spec) {
        StartJobRunResponse started = client.startJobRun(r -> r.name(spec.name())
                .virtualClusterId(spec.virtualClusterId())
                .executionRoleArn(spec.executionRoleArn())
                .releaseLabel(spec.releaseLabel())
                .clientToken(spec.clientToken())
                .tags(spec.tags())
                .jobDriver(d -> d.sparkSubmitJobDriver(s -> s.entryPoint(spec.entryPoint())
                        .entryPointArguments(spec.entryPointArguments())
                        .sparkSubmitParameters(spec.sparkSubmitParameters())))
                .configurationOverrides(o -> {
                    o.applicationConfiguration(
                            c -> c.classification("spark-defaults").properties(spec.sparkConf()));
                    if (spec.logUri() != null) {
                        o.monitoringConfiguration(m -> m.s3MonitoringConfiguration(s -> s.logUri(spec.logUri())));
                    }
                })
                .overrideConfiguration(SingleAttempt::apply));
        return started.id();
    }

    public JobRunInfo describeJobRun(String virtualClusterId, String jobRunId) {
        return info(
                client.describeJobRun(r -> r.virtualClusterId(virtualClusterId).id(jobRunId))
                        .jobRun());
    }

    public List<JobRunInfo> listJobRuns(String virtualClusterId) {
        return listJobRuns(virtualClusterId, null, null);
    }

    /**
     * One walk over the job runs of a virtual cluster created after {@code createdAfter} (all when null), with that
     * name when {@code name} is given.
     */
    public List<JobRunInfo> listJobRuns(String virtualClusterId, Instant createdAfter, String name) {
        return client
                .listJobRunsPaginator(r -> r.virtualClusterId(virtualClusterId)
                        .createdAfter(createdAfter)
                        .name(name))
                .jobRuns()
                .stream()
                .map(EmrOnEksJobs::info)
                .toList();
    }

    public void cancelJobRun(String virtualClusterId, String jobRunId) {
        client.cancelJobRun(r -> r.virtualClusterId(virtualClusterId).id(jobRunId));
    }

    private static VirtualClusterInfo info(VirtualCluster v) {
        String namespace = v.containerProvider() == null
                        || v.containerProvider().info() == null
                        || v.containerProvider().info().eksInfo() == null
                ? null
                : v.containerProvider().info().eksInfo().namespace();
        return new VirtualClusterInfo(
                v.id(), v.name(), v.stateAsString(), namespace, v.tags() == null ? Map.of() : Map.copyOf(v.tags()));
    }

    private static JobRunInfo info(JobRun run) {
        return new JobRunInfo(
                run.id(),
                run.name(),
                run.virtualClusterId(),
                run.stateAsString(),
                run.stateDetails(),
                run.failureReasonAsString());
    }
}
