package io.platyspark.backend.aws.serverless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.moto.FaultProxy;
import io.platyspark.aws.moto.MotoJobStates;
import io.platyspark.aws.serverless.EmrServerlessJobs;
import io.platyspark.backend.aws.awsjobs.JobRunFixtures;
import io.platyspark.backend.aws.awsjobs.S3JobLogs;
import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.emrserverless.model.JobRun;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The EMR Serverless backend against moto's emr-serverless and S3: what a submit sends, exactly-once under a lost
 * answer, cancel, states moved on at moto, logs, and the application's life and policy.
 */
class ServerlessBackendMotoTest {

    static final MotoJobStates MOTO = MotoJobStates.get();
    static final String LOGS = "s3://platy-sls-logs/spark";

    final AwsClients clients = MOTO.clients();
    final EmrServerlessClient raw = clients.emrServerless();
    final S3Client s3 = clients.s3();
    final EmrServerlessJobs serverless = new EmrServerlessJobs(raw);
    final ServerlessSparkBackend backend = new ServerlessSparkBackend(serverless, new S3JobLogs(s3, "emr-serverless"));
    final ServerlessProperties properties = new ServerlessProperties(
            true,
            "emr-7.5.0",
            List.of(),
            "ARM64",
            64,
            256,
            Duration.ofMinutes(15),
            Map.of("data", List.of(JobRunFixtures.ROLE)),
            null,
            LOGS,
            List.of());
    final ServerlessClusterConfigs configs = new ServerlessClusterConfigs(properties);
    final ServerlessClusterBackend clusters = new ServerlessClusterBackend(serverless);

    /** A platform-made application, as the provisioner leaves it. */
    private Cluster application(String json) {
        String config = configs.validate("config", json, "sls", "data").json();
        Cluster recorded = JobRunFixtures.cluster(ClusterKind.SERVERLESS, config, null);
        String id = clusters.create(recorded).externalId();
        return new Cluster(
                recorded.id(),
                recorded.name(),
                recorded.kind(),
                recorded.team(),
                config,
                id,
                null,
                null,
                ClusterState.WAITING,
                null,
                recorded.createdAt(),
                recorded.updatedAt(),
                null,
                null);
    }

    private static SparkApp app() {
        return JobRunFixtures.app(
                "data",
                "s3://platy-it/jobs/etl.py",
                List.of("--day", "2026-01-01"),
                Map.of("spark.executor.memory", "4g"),
                List.of());
    }

    @Test
    void submitStartsAJobRunHoldingExactlyWhatTheAppAndApplicationSay() {
        Cluster cluster = application("{\"tags\":{\"project\":\"etl\"}}");
        SparkApp app = app();

        BackendSubmission submission = backend.submit(cluster, app);

        JobRun run = raw.getJobRun(r -> r.applicationId(cluster.externalId()).jobRunId(submission.backendId()))
                .jobRun();
        assertThat(run.name()).isEqualTo("platy-" + app.id());
        assertThat(run.releaseLabel()).isEqualTo("emr-7.5.0");
        assertThat(run.executionRole()).isEqualTo(JobRunFixtures.ROLE);
        assertThat(run.jobDriver().sparkSubmit().entryPoint()).isEqualTo("s3://platy-it/jobs/etl.py");
        assertThat(run.jobDriver().sparkSubmit().entryPointArguments()).containsExactly("--day", "2026-01-01");
        assertThat(run.jobDriver().sparkSubmit().sparkSubmitParameters()).isEmpty();
        assertThat(run.configurationOverrides().applicationConfiguration())
                .singleElement()
                .satisfies(c -> assertThat(c.properties()).containsExactlyInAnyOrderEntriesOf(app.sparkConf()));
        assertThat(run.configurationOverrides()
                        .monitoringConfiguration()
                        .s3MonitoringConfiguration()
                        .logUri())
                .isEqualTo(LOGS);
        assertThat(run.tags())
                .containsEntry("team", "data")
                .containsEntry("project", "etl")
                .containsEntry("platy:app-id", app.id().toString());
        var made = serverless.getApplication(cluster.externalId());
        assertThat(made.name()).isEqualTo(cluster.name());
        assertThat(made.tags()).containsEntry("platy:cluster-id", cluster.id().toString());
        assertThat(raw.getApplication(r -> r.applicationId(cluster.externalId()))
                        .application()
                        .autoStopConfiguration()
                        .idleTimeoutMinutes())
                .isEqualTo(15);
        assertThat(raw.getApplication(r -> r.applicationId(cluster.externalId()))
                        .application()
                        .maximumCapacity()
                        .cpu())
                .isEqualTo("64 vCPU");
    }

    @Test
    void aSubmitWhoseAnswerWasLostIsAdoptedOnRetryAndStartsOneJobRun() {
        Cluster cluster = application(null);
        SparkApp app = app();
        try (FaultProxy proxy = new FaultProxy(MOTO.endpoint())) {
            var viaProxy = new AwsClients("us-east-1", proxy.endpoint(), Duration.ofSeconds(30));
            var flaky = new ServerlessSparkBackend(
                    new EmrServerlessJobs(viaProxy.emrServerless()), new S3JobLogs(viaProxy.s3(), "emr-serverless"));
            String start = "POST /applications/" + cluster.externalId() + "/jobruns";
            proxy.dropAnswers(start, 1);

            assertThatThrownBy(() -> flaky.submit(cluster, app)).isInstanceOf(BackendUnavailableException.class);
            BackendSubmission retried = flaky.submit(cluster, app);

            assertThat(proxy.count(start))
                    .as("StartJobRun calls that reached moto")
                    .isEqualTo(1);
            assertThat(retried.adopted()).isTrue();
            assertThat(serverless.listJobRuns(cluster.externalId(), null))
                    .filteredOn(r -> r.name().equals(app.backendName()))
                    .singleElement()
                    .satisfies(r -> assertThat(r.id()).isEqualTo(retried.backendId()));
        }
    }

    @Test
    void killCancelsTheJobRun() {
        Cluster cluster = application(null);
        SparkApp app = app();
        String runId = backend.submit(cluster, app).backendId();
        MOTO.setJobRun("emr-serverless", runId, "RUNNING", null, null);

        backend.kill(cluster, JobRunFixtures.submitted(app, "emr-serverless", runId));

        assertThat(serverless.getJobRun(cluster.externalId(), runId).state()).isEqualTo("CANCELLED");
        assertThat(backend.status(cluster, List.of(app)).get(app.id()).state()).isEqualTo(AppState.KILLED);
    }

    @Test
    void statesMovedOnAtMotoAreTrackedToSucceededAndFailedWithTheReason() {
        Cluster cluster = application(null);
        SparkApp ok = app();
        SparkApp bad = app();
        SparkApp waiting = app();
        backend.submit(cluster, ok);
        String badRun = backend.submit(cluster, bad).backendId();
        String waitingRun = backend.submit(cluster, waiting).backendId();
        MOTO.setJobRun(
                "emr-serverless",
                badRun,
                "FAILED",
                "Job failed, please check complete logs in configured "
                        + "logging destination. ExitCode: 1. Last few exceptions: ValueError: the input table is empty",
                null);
        MOTO.setJobRun("emr-serverless", waitingRun, "SCHEDULED", null, null);

        Map<UUID, BackendAppStatus> statuses = backend.status(cluster, List.of(ok, bad, waiting));

        assertThat(statuses.get(ok.id()).state()).as("moto's runs end SUCCESS").isEqualTo(AppState.SUCCEEDED);
        assertThat(statuses.get(bad.id()).state()).isEqualTo(AppState.FAILED);
        assertThat(statuses.get(bad.id()).reason()).endsWith("ValueError: the input table is empty");
        assertThat(statuses.get(waiting.id()).state()).isEqualTo(AppState.SUBMITTED);
    }

    @Test
    void logsComeFromTheSparkDriverFilesOfTheRun() {
        Cluster cluster = application(null);
        SparkApp app = app();
        String runId = backend.submit(cluster, app).backendId();
        s3.createBucket(r -> r.bucket("platy-sls-logs"));
        String driver = "spark/applications/" + cluster.externalId() + "/jobs/" + runId + "/SPARK_DRIVER/";
        s3.putObject(
                r -> r.bucket("platy-sls-logs").key(driver + "stdout.gz"),
                RequestBody.fromBytes(JobRunFixtures.gzip("words counted: 46\n")));
        s3.putObject(
                r -> r.bucket("platy-sls-logs").key(driver + "stderr.gz"),
                RequestBody.fromBytes(JobRunFixtures.gzip("INFO SparkContext: Running Spark\n")));

        LogPage page = backend.logs(cluster, JobRunFixtures.submitted(app, "emr-serverless", runId), 0, 100);

        assertThat(page.lines())
                .extracting(l -> l.stream() + ":" + l.text())
                .containsExactly("STDOUT:words counted: 46", "STDERR:INFO SparkContext: Running Spark");
    }

    @Test
    void aRetriedCreateAdoptsTheApplicationAndTerminateStopsThenDeletesIt() {
        Cluster cluster = application(null);
        Cluster recordedAgain = new Cluster(
                cluster.id(),
                cluster.name(),
                cluster.kind(),
                cluster.team(),
                cluster.config(),
                null,
                null,
                null,
                ClusterState.STARTING,
                null,
                null,
                null,
                null,
                null);

        assertThat(clusters.create(recordedAgain).externalId()).isEqualTo(cluster.externalId());

        // A started application cannot be deleted: the first terminate stops it and says so (an outage, so the
        // watchdog repeats it), the next deletes it.
        assertThatThrownBy(() -> clusters.terminate(cluster))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("stopping");
        assertThat(serverless.getApplication(cluster.externalId()).state()).isEqualTo("STOPPED");
        clusters.terminate(cluster);

        assertThat(clusters.describeAll(List.of(cluster)).get(cluster.id()).state())
                .isEqualTo(ClusterState.TERMINATED);
    }

    @Test
    void capacityArchitectureRoleAndReleaseOutsideThePolicyAreRefusedNamingTheField() {
        assertThat(refusal("{\"maximumCapacity\":{\"cpu\":\"1000 vCPU\"}}")).isEqualTo("config.maximumCapacity.cpu");
        assertThat(refusal("{\"architecture\":\"SPARC\"}")).isEqualTo("config.architecture");
        assertThat(refusal("{\"executionRoleArn\":\"arn:aws:iam::123456789012:role/admin\"}"))
                .isEqualTo("config.executionRoleArn");
        assertThat(refusal("{\"releaseLabel\":\"emr-6.0.0\"}")).isEqualTo("config.releaseLabel");
        assertThat(refusal("{\"namespace\":\"x\"}")).isEqualTo("config.namespace");
        assertThat(refusal("{\"tags\":{\"team\":\"other\"}}")).isEqualTo("config.tags.team");
        assertThat(refusal("{\"logUri\":\"s3://someone-elses/logs\"}")).isEqualTo("config.logUri");
        assertThat(refusal("{\"idleTimeout\":5}")).isEqualTo("config.idleTimeout");
    }

    private String refusal(String json) {
        try {
            configs.validate("config", json, "sls", "data");
        } catch (InvalidFieldException e) {
            return e.field();
        }
        throw new AssertionError("accepted: " + json);
    }
}
