package io.platyspark.aws.serverless;

import io.platyspark.aws.SingleAttempt;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.emrserverless.model.Application;
import software.amazon.awssdk.services.emrserverless.model.JobRunSummary;
import software.amazon.awssdk.services.emrserverless.model.ResourceNotFoundException;

/**
 * Spark jobs on EMR Serverless: applications (a release, an architecture, capacity limits, an idle stop of AWS's
 * own) and their job runs. Like {@code EmrOnEksJobs}, a start carries a client token and is never repeated by the
 * SDK; the caller looks the run up by name before starting again.
 */
public final class EmrServerlessJobs {

    private final EmrServerlessClient client;

    public EmrServerlessJobs(EmrServerlessClient client) {
        this.client = client;
    }

    /** An application ({@code CREATING, CREATED, STARTING, STARTED, STOPPING, STOPPED, TERMINATED}). */
    public record ApplicationInfo(
            String id, String name, String state, String stateDetails, String releaseLabel, Map<String, String> tags) {}

    /**
     * What an application is made from.
     *
     * @param maximumCapacity AWS's spelling: {@code cpu} ("400 vCPU"), {@code memory} ("3000 GB"), {@code disk}
     * @param idleTimeoutMinutes AWS stops the application after this long without jobs (its auto-stop)
     */
    public record ApplicationSpec(
            String name,
            String releaseLabel,
            String architecture,
            Map<String, String> maximumCapacity,
            int idleTimeoutMinutes,
            Map<String, String> tags,
            String clientToken) {}

    /** A job run's state ({@code SUBMITTED, PENDING, SCHEDULED, RUNNING, SUCCESS, FAILED, CANCELLING, CANCELLED}). */
    public record JobRunInfo(String id, String name, String applicationId, String state, String stateDetails) {}

    /** What to run; {@code logUri} is where AWS writes the logs ({@code s3://bucket/prefix}), null for none. */
    public record JobRunSpec(
            String name,
            String applicationId,
            String executionRoleArn,
            String entryPoint,
            List<String> entryPointArguments,
            String sparkSubmitParameters,
            Map<String, String> sparkConf,
            String clientToken,
            Map<String, String> tags,
            String logUri) {}

    public String createApplication(ApplicationSpec spec) {
        return client.createApplication(r -> {
                    r.name(spec.name())
                            .releaseLabel(spec.releaseLabel())
                            .type("SPARK")
                            .architecture(spec.architecture())
                            .tags(spec.tags())
                            .clientToken(spec.clientToken())
                            .autoStartConfiguration(a -> a.enabled(true))
                            .autoStopConfiguration(a -> a.enabled(true).idleTimeoutMinutes(spec.idleTimeoutMinutes()))
                            .overrideConfiguration(SingleAttempt::apply);
                    if (!spec.maximumCapacity().isEmpty()) {
                        r.maximumCapacity(m -> m.cpu(spec.maximumCapacity().get("cpu"))
                                .memory(spec.maximumCapacity().get("memory"))
                                .disk(spec.maximumCapacity().get("disk")));
                    }
                })
                .applicationId();
    }

    public ApplicationInfo getApplication(String id) {
        return info(client.getApplication(r -> r.applicationId(id)).application());
    }

    /** The account's applications without their tags (the list does not carry them). */
    public List<ApplicationInfo> listApplications() {
        return client.listApplicationsPaginator(r -> {}).applications().stream()
                .map(a -> new ApplicationInfo(
                        a.id(), a.name(), a.stateAsString(), a.stateDetails(), a.releaseLabel(), Map.of()))
                .toList();
    }

    public void stopApplication(String id) {
        client.stopApplication(r -> r.applicationId(id));
    }

    public void deleteApplication(String id) {
        client.deleteApplication(r -> r.applicationId(id));
    }

    public String startJobRun(JobRunSpec spec) {
        return client.startJobRun(r -> r.name(spec.name())
                        .applicationId(spec.applicationId())
                        .executionRoleArn(spec.executionRoleArn())
                        .clientToken(spec.clientToken())
                        .tags(spec.tags())
                        .jobDriver(d -> d.sparkSubmit(s -> s.entryPoint(spec.entryPoint())
                                .entryPointArguments(spec.entryPointArguments())
                                .sparkSubmitParameters(spec.sparkSubmitParameters())))
                        .configurationOverrides(o -> {
                            o.applicationConfiguration(
                                    c -> c.classification("spark-defaults").properties(spec.sparkConf()));
                            if (spec.logUri() != null) {
                                o.monitoringConfiguration(
                                        m -> m.s3MonitoringConfiguration(s -> s.logUri(spec.logUri())));
                            }
                        })
                        .overrideConfiguration(SingleAttempt::apply))
                .jobRunId();
    }

    public JobRunInfo getJobRun(String applicationId, String jobRunId) {
        var run = client.getJobRun(r -> r.applicationId(applicationId).jobRunId(jobRunId))
                .jobRun();
        return new JobRunInfo(run.jobRunId(), run.name(), run.applicationId(), run.stateAsString(), run.stateDetails());
    }

    /**
     * One walk over the job runs of an application created after {@code createdAfter} (all when null). An
     * application without any run answers "not found" at some stand-ins (moto): that is an empty list here, and an
     * application that is really gone is seen by the cluster watch.
     */
    public List<JobRunInfo> listJobRuns(String applicationId, Instant createdAfter) {
        try {
            return client
                    .listJobRunsPaginator(r -> r.applicationId(applicationId).createdAtAfter(createdAfter))
                    .jobRuns()
                    .stream()
                    .map(EmrServerlessJobs::info)
                    .toList();
        } catch (ResourceNotFoundException e) {
            return List.of();
        }
    }

    public void cancelJobRun(String applicationId, String jobRunId) {
        client.cancelJobRun(r -> r.applicationId(applicationId).jobRunId(jobRunId));
    }

    private static ApplicationInfo info(Application a) {
        return new ApplicationInfo(
                a.applicationId(),
                a.name(),
                a.stateAsString(),
                a.stateDetails(),
                a.releaseLabel(),
                a.tags() == null ? Map.of() : Map.copyOf(a.tags()));
    }

    private static JobRunInfo info(JobRunSummary s) {
        return new JobRunInfo(s.id(), s.name(), s.applicationId(), s.stateAsString(), s.stateDetails());
    }
}
