package io.platyspark.backend.aws.eks;

import io.platyspark.aws.eks.EmrOnEksJobs;
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
 * Apps as EMR on EKS job runs. Exactly once: the run is named after the app ({@code platy-<id>}) and started with the
 * app's id as client token; before starting, a run of that name is looked up and adopted (a crash or a lost answer
 * between AWS's accept and the store's write). Tracking reads each virtual cluster with one {@code ListJobRuns} walk
 * per cycle, created after the oldest of the apps asked about, never a call per app. Logs come from the run's S3
 * monitoring prefix.
 */
public class EksSparkBackend implements SparkBackend {

    private final EmrOnEksJobs eks;
    private final S3JobLogs logs;

    public EksSparkBackend(EmrOnEksJobs eks, S3JobLogs logs) {
        this.eks = eks;
        this.logs = logs;
    }

    @Override
    public String name() {
        return EksClusterBackend.NAME;
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.kind() == ClusterKind.EKS;
    }

    @Override
    public BackendSubmission submit(Cluster cluster, SparkApp app) {
        JobClusterConfig config = JobClusterConfig.stored(cluster.config());
        String vc = cluster.externalId();
        List<EmrOnEksJobs.JobRunInfo> earlier = AwsJobCalls.call(
                name(),
                "list job runs",
                () -> eks.listJobRuns(vc, JobRuns.createdAfter(List.of(app)), app.backendName()));
        var mine =
                earlier.stream().filter(r -> app.backendName().equals(r.name())).findFirst();
        if (mine.isPresent()) {
            return new BackendSubmission(
                    mine.get().id(), null, links(config, vc, mine.get().id()), true);
        }
        String id = AwsJobCalls.call(
                name(),
                "start job run",
                () -> eks.startJobRun(new EmrOnEksJobs.JobRunSpec(
                        app.backendName(),
                        vc,
                        config.executionRoleArn(),
                        config.releaseLabel(),
                        app.source(),
                        app.args(),
                        JobRuns.sparkSubmitParameters(app),
                        app.sparkConf(),
                        JobRuns.clientToken(app),
                        JobRuns.tags(config, app),
                        config.logUri())));
        return new BackendSubmission(id, null, links(config, vc, id), false);
    }

    @Override
    public Map<UUID, BackendAppStatus> status(Cluster cluster, Collection<SparkApp> apps) {
        return statusReader(cluster).status(apps);
    }

    /** One cycle's walks over the cluster's runs, shared by the pages of its apps (see {@link JobRunReader}). */
    @Override
    public StatusReader statusReader(Cluster cluster) {
        JobClusterConfig config = JobClusterConfig.stored(cluster.config());
        return new JobRunReader<EmrOnEksJobs.JobRunInfo>(
                after -> AwsJobCalls.call(
                        name(), "list job runs", () -> eks.listJobRuns(cluster.externalId(), after, null)),
                EmrOnEksJobs.JobRunInfo::name,
                (app, run) -> new BackendAppStatus(
                        state(run.state()), reason(run), null, links(config, cluster.externalId(), run.id())));
    }

    @Override
    public LogPage logs(Cluster cluster, SparkApp app, int from, int size) {
        JobClusterConfig config = JobClusterConfig.stored(cluster.config());
        if (config.logUri() == null || app.backendId() == null) {
            return LogPage.empty(Math.max(0, from));
        }
        // EMR on EKS: <logUri>/<virtual cluster>/jobs/<run>/containers/<spark app>/<driver pod>/stdout.gz
        return logs.page(
                prefix(config, cluster.externalId(), app.backendId()), key -> key.contains("-driver/"), from, size);
    }

    @Override
    public void kill(Cluster cluster, SparkApp app) {
        String runId = app.backendId();
        if (runId == null) {
            return; // never started: nothing runs
        }
        try {
            AwsJobCalls.run(name(), "cancel job run " + runId, () -> eks.cancelJobRun(cluster.externalId(), runId));
        } catch (BackendRejectedException e) {
            // EMR refuses to cancel a run that already ended (or was cancelled): it is stopped either way.
        }
    }

    static AppState state(String state) {
        return switch (state == null ? "" : state) {
            case "RUNNING" -> AppState.RUNNING;
            case "COMPLETED" -> AppState.SUCCEEDED;
            case "FAILED" -> AppState.FAILED;
            case "CANCELLED", "CANCEL_PENDING" -> AppState.KILLED;
            default -> AppState.SUBMITTED; // PENDING, SUBMITTED, and states AWS may add
        };
    }

    private static String reason(EmrOnEksJobs.JobRunInfo run) {
        return switch (state(run.state())) {
            case FAILED ->
                (run.failureReason() == null ? "" : run.failureReason() + ": ")
                        + (run.stateDetails() == null ? "the job run failed" : run.stateDetails());
            case KILLED -> "cancelled on EMR on EKS" + (run.stateDetails() == null ? "" : ": " + run.stateDetails());
            default -> null;
        };
    }

    private static String prefix(JobClusterConfig config, String vc, String runId) {
        String base = config.logUri().endsWith("/") ? config.logUri() : config.logUri() + "/";
        return base + vc + "/jobs/" + runId + "/";
    }

    private static AppLinks links(JobClusterConfig config, String vc, String runId) {
        return new AppLinks(null, null, config.logUri() == null ? null : prefix(config, vc, runId));
    }
}
