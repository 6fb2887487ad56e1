package io.platyspark.backend.aws.serverless;

import io.platyspark.aws.serverless.EmrServerlessJobs;
import io.platyspark.backend.aws.awsjobs.AwsJobCalls;
import io.platyspark.backend.aws.awsjobs.JobClusterConfig;
import io.platyspark.backend.aws.awsjobs.JobRunReader;
import io.platyspark.backend.aws.awsjobs.JobRuns;
import io.platyspark.backend.aws.awsjobs.S3JobLogs;
import io.platyspark.core.app.AppLinks;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.backend.StatusReader;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Apps as EMR Serverless job runs, with the same rules as on EMR on EKS: named after the app and started with its
 * id as client token, adopted by name before a start; one {@code ListJobRuns} walk per application per cycle; logs
 * from the run's S3 monitoring prefix.
 */
public class ServerlessSparkBackend implements SparkBackend {

    private final EmrServerlessJobs serverless;
    private final S3JobLogs logs;

    public ServerlessSparkBackend(EmrServerlessJobs serverless, S3JobLogs logs) {
        this.serverless = serverless;
        this.logs = logs;
    }

    @Override
    public String name() {
        return ServerlessClusterBackend.NAME;
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.kind() == ClusterKind.SERVERLESS;
    }

    @Override
    public BackendSubmission submit(Cluster cluster, SparkApp app) {
        JobClusterConfig config = JobClusterConfig.stored(cluster.config());
        String application = cluster.externalId();
        // ListJobRuns has no name filter here: the walk since the app's day finds an earlier attempt's run.
        var mine = AwsJobCalls.call(
                        name(),
                        "list job runs",
                        () -> serverless.listJobRuns(application, JobRuns.createdAfter(List.of(app))))
                .stream()
                .filter(r -> app.backendName().equals(r.name()))
                .findFirst();
        if (mine.isPresent()) {
            return new BackendSubmission(
                    mine.get().id(), null, links(config, application, mine.get().id()), true);
        }
        String id = AwsJobCalls.call(
                name(),
                "start job run",
                () -> serverless.startJobRun(new EmrServerlessJobs.JobRunSpec(
                        app.backendName(),
                        application,
                        config.executionRoleArn(),
                        app.source(),
                        app.args(),
                        JobRuns.sparkSubmitParameters(app),
                        app.sparkConf(),
                        JobRuns.clientToken(app),
                        JobRuns.tags(config, app),
                        config.logUri())));
        return new BackendSubmission(id, null, links(config, application, id), false);
    }

    @Override
    public Map<UUID, BackendAppStatus> status(Cluster cluster, Collection<SparkApp> apps) {
        return statusReader(cluster).status(apps);
    }

    /** One cycle's walks over the cluster's runs, shared by the pages of its apps (see {@link JobRunReader}). */
    @Override
    public StatusReader statusReader(Cluster cluster) {
        JobClusterConfig config = JobClusterConfig.stored(cluster.config());
        return new JobRunReader<EmrServerlessJobs.JobRunInfo>(
                after -> AwsJobCalls.call(
                        name(), "list job runs", () -> serverless.listJobRuns(cluster.externalId(), after)),
                EmrServerlessJobs.JobRunInfo::name,
                (app, run) -> new BackendAppStatus(
                        state(run.state()), reason(run), null, links(config, cluster.externalId(), run.id())));
    }

    @Override
    public LogPage logs(Cluster cluster, SparkApp app, int from, int size) {
        JobClusterConfig config = JobClusterConfig.stored(cluster.config());
        if (config.logUri() == null || app.backendId() == null) {
            return LogPage.empty(Math.max(0, from));
        }
        // EMR Serverless: <logUri>/applications/<application>/jobs/<run>/SPARK_DRIVER/stdout.gz
        return logs.page(
                prefix(config, cluster.externalId(), app.backendId()),
                key -> key.contains("/SPARK_DRIVER/"),
                from,
                size);
    }

    @Override
    public void kill(Cluster cluster, SparkApp app) {
        String runId = app.backendId();
        if (runId == null) {
            return;
        }
        try {
            AwsJobCalls.run(
                    name(), "cancel job run " + runId, () -> serverless.cancelJobRun(cluster.externalId(), runId));
        } catch (BackendRejectedException e) {
            // A run that already ended cannot be cancelled: it is stopped either way.
        }
    }

    static AppState state(String state) {
        return switch (state == null ? "" : state) {
            case "RUNNING" -> AppState.RUNNING;
            case "SUCCESS" -> AppState.SUCCEEDED;
            case "FAILED" -> AppState.FAILED;
            case "CANCELLING", "CANCELLED" -> AppState.KILLED;
            default -> AppState.SUBMITTED; // SUBMITTED, PENDING, SCHEDULED, QUEUED
        };
    }

    private static String reason(EmrServerlessJobs.JobRunInfo run) {
        return switch (state(run.state())) {
            case FAILED ->
                run.stateDetails() == null || run.stateDetails().isBlank() ? "the job run failed" : run.stateDetails();
            case KILLED -> "cancelled on EMR Serverless";
            default -> null;
        };
    }

    private static String prefix(JobClusterConfig config, String application, String runId) {
        String base = config.logUri().endsWith("/") ? config.logUri() : config.logUri() + "/";
        return base + "applications/" + application + "/jobs/" + runId + "/";
    }

    private static AppLinks links(JobClusterConfig config, String application, String runId) {
        return new AppLinks(null, null, config.logUri() == null ? null : prefix(config, application, runId));
    }
}
