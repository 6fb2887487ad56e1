package io.platyspark.aws.eks;

import io.platyspark.aws.SingleAttempt;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.emrcontainers.EmrContainersClient;
import software.amazon.awssdk.services.emrcontainers.model.JobRun;
import software.amazon.awssdk.services.emrcontainers.model.StartJobRunResponse;
import software.amazon.awssdk.services.emrcontainers.model.VirtualCluster;

/**
 * Spark jobs on EMR on EKS (the second backend the write-up announces): virtual clusters and job runs. A job run is
 * started with a client token (the app's id), so a retried start returns the same run instead of a second one.
 */
public final class EmrOnEksJobs {

    private final EmrContainersClient client;

    public EmrOnEksJobs(EmrContainersClient client) {
        this.client = client;
    }

    /** A virtual cluster: an EKS namespace registered with EMR. */
    public record VirtualClusterInfo(String id, String name, String state, String namespace) {
    }

    /** A job run's state ({@code PENDING, SUBMITTED, RUNNING, FAILED, CANCELLED, CANCEL_PENDING, COMPLETED}). */
    public record JobRunInfo(String id, String name, String virtualClusterId, String state, String stateDetails,
            String failureReason) {

        public boolean finished() {
            return List.of("FAILED", "CANCELLED", "COMPLETED").contains(state);
        }
    }

    /** What to run. */
    public record JobRunSpec(String name, String virtualClusterId, String executionRoleArn, String releaseLabel,
            String entryPoint, List<String> entryPointArguments, String sparkSubmitParameters,
            Map<String, String> sparkConf, String clientToken) {
    }

    public String createVirtualCluster(String name, String eksClusterName, String namespace) {
        return client.createVirtualCluster(r -> r.name(name).containerProvider(p -> p.type("EKS")
                .id(eksClusterName).info(i -> i.eksInfo(e -> e.namespace(namespace))))).id();
    }

    public List<VirtualClusterInfo> listVirtualClusters() {
        return client.listVirtualClustersPaginator(r -> { }).virtualClusters().stream()
                .map(EmrOnEksJobs::info).toList();
    }

    public VirtualClusterInfo describeVirtualCluster(String id) {
        return info(client.describeVirtualCluster(r -> r.id(id)).virtualCluster());
    }

    public String startJobRun(JobRunSpec spec) {
        StartJobRunResponse started = client.startJobRun(r -> r
                .name(spec.name())
                .virtualClusterId(spec.virtualClusterId())
                .executionRoleArn(spec.executionRoleArn())
                .releaseLabel(spec.releaseLabel())
                .clientToken(spec.clientToken())
                .jobDriver(d -> d.sparkSubmitJobDriver(s -> s.entryPoint(spec.entryPoint())
                        .entryPointArguments(spec.entryPointArguments())
                        .sparkSubmitParameters(spec.sparkSubmitParameters())))
                .configurationOverrides(o -> o.applicationConfiguration(c -> c.classification("spark-defaults")
                        .properties(spec.sparkConf())))
                // Without the caller's token a repeat after a lost answer would start the job twice.
                .overrideConfiguration(spec.clientToken() == null ? SingleAttempt::apply : o -> { }));
        return started.id();
    }

    public JobRunInfo describeJobRun(String virtualClusterId, String jobRunId) {
        return info(client.describeJobRun(r -> r.virtualClusterId(virtualClusterId).id(jobRunId)).jobRun());
    }

    public List<JobRunInfo> listJobRuns(String virtualClusterId) {
        return client.listJobRunsPaginator(r -> r.virtualClusterId(virtualClusterId)).jobRuns().stream()
                .map(EmrOnEksJobs::info).toList();
    }

    public void cancelJobRun(String virtualClusterId, String jobRunId) {
        client.cancelJobRun(r -> r.virtualClusterId(virtualClusterId).id(jobRunId));
    }

    private static VirtualClusterInfo info(VirtualCluster v) {
        String namespace = v.containerProvider() == null || v.containerProvider().info() == null
                || v.containerProvider().info().eksInfo() == null ? null
                : v.containerProvider().info().eksInfo().namespace();
        return new VirtualClusterInfo(v.id(), v.name(), v.stateAsString(), namespace);
    }

    private static JobRunInfo info(JobRun run) {
        return new JobRunInfo(run.id(), run.name(), run.virtualClusterId(), run.stateAsString(),
                run.stateDetails(), run.failureReasonAsString());
    }
}
