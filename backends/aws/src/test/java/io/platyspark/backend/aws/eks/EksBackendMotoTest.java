package io.platyspark.backend.aws.eks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.eks.EmrOnEksJobs;
import io.platyspark.aws.moto.FaultProxy;
import io.platyspark.aws.moto.MotoJobStates;
import io.platyspark.backend.aws.awsjobs.JobRunFixtures;
import io.platyspark.backend.aws.awsjobs.S3JobLogs;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.LogStream;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.emrcontainers.EmrContainersClient;
import software.amazon.awssdk.services.emrcontainers.model.JobRun;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The EMR on EKS backend against moto's emr-containers and S3: what a submit sends, exactly-once under a lost
 * answer, cancel, states moved on at moto, logs from the S3 monitoring prefix, and the virtual cluster's life.
 */
class EksBackendMotoTest {

    static final MotoJobStates MOTO = MotoJobStates.get();
    static final String LOGS = "s3://platy-eks-logs/spark";

    final AwsClients clients = MOTO.clients();
    final EmrContainersClient raw = clients.emrContainers();
    final S3Client s3 = clients.s3();
    final EmrOnEksJobs eks = new EmrOnEksJobs(raw);
    final EksSparkBackend backend = new EksSparkBackend(eks, new S3JobLogs(s3, "emr-eks"));
    final EksClusterConfigs configs = new EksClusterConfigs(new EksProperties(
            true,
            "eks-main",
            "spark-",
            "emr-7.5.0-latest",
            List.of("emr-7.5.0-latest", "emr-7.2.0-latest"),
            Map.of("data", List.of(JobRunFixtures.ROLE)),
            null,
            LOGS,
            List.of()));

    private Cluster virtualCluster() {
        String vc = eks.createVirtualCluster(
                "vc", "eks-main", "ns-" + UUID.randomUUID().toString().substring(0, 8));
        String config = configs.validate(
                        "config",
                        "{\"virtualClusterId\":\"" + vc + "\",\"releaseLabel\":"
                                + "\"emr-7.2.0-latest\",\"tags\":{\"project\":\"etl\"}}",
                        "c",
                        "data")
                .json();
        return JobRunFixtures.cluster(ClusterKind.EKS, config, vc);
    }

    private static SparkApp app() {
        return JobRunFixtures.app(
                "data",
                "s3://platy-it/jobs/etl.py",
                List.of("--day", "2026-01-01"),
                Map.of("spark.executor.memory", "4g", "spark.app.note", "with spaces 'and' quotes"),
                List.of("s3://platy-it/jobs/lib.zip"));
    }

    private List<JobRun> runsNamed(String vc, String name) {
        return raw.listJobRunsPaginator(r -> r.virtualClusterId(vc)).jobRuns().stream()
                .filter(r -> name.equals(r.name()))
                .toList();
    }

    @Test
    void submitStartsAJobRunHoldingExactlyWhatTheAppAndClusterSay() {
        Cluster cluster = virtualCluster();
        SparkApp app = app();

        BackendSubmission submission = backend.submit(cluster, app);

        JobRun run = raw.describeJobRun(
                        r -> r.virtualClusterId(cluster.externalId()).id(submission.backendId()))
                .jobRun();
        assertThat(submission.adopted()).isFalse();
        assertThat(run.name()).isEqualTo("platy-" + app.id());
        assertThat(run.clientToken()).isEqualTo(app.id().toString());
        assertThat(run.releaseLabel()).isEqualTo("emr-7.2.0-latest");
        assertThat(run.executionRoleArn()).isEqualTo(JobRunFixtures.ROLE);
        var driver = run.jobDriver().sparkSubmitJobDriver();
        assertThat(driver.entryPoint()).isEqualTo("s3://platy-it/jobs/etl.py");
        assertThat(driver.entryPointArguments()).containsExactly("--day", "2026-01-01");
        assertThat(driver.sparkSubmitParameters()).isEqualTo("--py-files s3://platy-it/jobs/lib.zip");
        assertThat(run.configurationOverrides().applicationConfiguration())
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.classification()).isEqualTo("spark-defaults");
                    assertThat(c.properties()).containsExactlyInAnyOrderEntriesOf(app.sparkConf());
                });
        assertThat(run.configurationOverrides()
                        .monitoringConfiguration()
                        .s3MonitoringConfiguration()
                        .logUri())
                .isEqualTo(LOGS);
        assertThat(run.tags())
                .containsEntry("team", "data")
                .containsEntry("project", "etl")
                .containsEntry("platy:app-id", app.id().toString());
        assertThat(submission.links().logUri())
                .isEqualTo(LOGS + "/" + cluster.externalId() + "/jobs/" + submission.backendId() + "/");
    }

    @Test
    void aSubmitWhoseAnswerWasLostIsAdoptedOnRetryAndStartsOneJobRun() {
        Cluster cluster = virtualCluster();
        SparkApp app = app();
        try (FaultProxy proxy = new FaultProxy(MOTO.endpoint())) {
            var viaProxy = new AwsClients("us-east-1", proxy.endpoint(), Duration.ofSeconds(30));
            var flaky = new EksSparkBackend(
                    new EmrOnEksJobs(viaProxy.emrContainers()), new S3JobLogs(viaProxy.s3(), "emr-eks"));
            proxy.dropAnswers("POST /virtualclusters/" + cluster.externalId() + "/jobruns", 1);

            assertThatThrownBy(() -> flaky.submit(cluster, app)).isInstanceOf(BackendUnavailableException.class);
            BackendSubmission retried = flaky.submit(cluster, app);

            assertThat(proxy.count("POST /virtualclusters/" + cluster.externalId() + "/jobruns"))
                    .as("StartJobRun calls that reached moto: the SDK did not repeat it")
                    .isEqualTo(1);
            assertThat(retried.adopted()).isTrue();
            List<JobRun> runs = runsNamed(cluster.externalId(), app.backendName());
            assertThat(runs)
                    .as("moto ignores client tokens: the look-up by name kept it to one run")
                    .hasSize(1);
            assertThat(runs.get(0).id()).isEqualTo(retried.backendId());
            assertThat(runs.get(0).clientToken()).isEqualTo(app.id().toString());
        }
    }

    @Test
    void killCancelsTheJobRunAndAnEndedRunIsStoppedAlready() {
        Cluster cluster = virtualCluster();
        SparkApp app = app();
        String runId = backend.submit(cluster, app).backendId();
        SparkApp submitted = JobRunFixtures.submitted(app, "emr-eks", runId);

        backend.kill(cluster, submitted);
        backend.kill(cluster, submitted); // EMR refuses to cancel a cancelled run: still "stopped"

        assertThat(eks.describeJobRun(cluster.externalId(), runId).state()).isEqualTo("CANCELLED");
        assertThat(backend.status(cluster, List.of(submitted)).get(app.id()).state())
                .isEqualTo(AppState.KILLED);
    }

    @Test
    void statesMovedOnAtMotoAreTrackedToSucceededAndFailedWithTheReason() {
        Cluster cluster = virtualCluster();
        SparkApp ok = app();
        SparkApp bad = app();
        SparkApp running = app();
        String okRun = backend.submit(cluster, ok).backendId();
        String badRun = backend.submit(cluster, bad).backendId();
        backend.submit(cluster, running);
        MOTO.setJobRun("emr-containers", okRun, "COMPLETED", "JobRun completed successfully.", null);
        MOTO.setJobRun(
                "emr-containers", badRun, "FAILED", "Job failed: ZeroDivisionError: division by zero", "USER_ERROR");

        Map<UUID, BackendAppStatus> statuses = backend.status(cluster, List.of(ok, bad, running));

        assertThat(statuses.get(ok.id()).state()).isEqualTo(AppState.SUCCEEDED);
        assertThat(statuses.get(bad.id()).state()).isEqualTo(AppState.FAILED);
        assertThat(statuses.get(bad.id()).reason())
                .isEqualTo("USER_ERROR: Job failed: ZeroDivisionError: division by zero");
        assertThat(statuses.get(running.id()).state()).isEqualTo(AppState.RUNNING);
    }

    @Test
    void logsArePagedFromTheDriversFilesUnderTheRunsMonitoringPrefix() {
        Cluster cluster = virtualCluster();
        SparkApp app = app();
        String runId = backend.submit(cluster, app).backendId();
        s3.createBucket(r -> r.bucket("platy-eks-logs"));
        String driver =
                "spark/" + cluster.externalId() + "/jobs/" + runId + "/containers/spark-0001/spark-0001-driver/";
        s3.putObject(
                r -> r.bucket("platy-eks-logs").key(driver + "stdout.gz"),
                RequestBody.fromBytes(JobRunFixtures.gzip("one\ntwo\nthree\n")));
        s3.putObject(
                r -> r.bucket("platy-eks-logs").key(driver + "stderr.gz"),
                RequestBody.fromBytes(JobRunFixtures.gzip("WARN spark\nValueError: bad input\n")));
        s3.putObject(
                r -> r.bucket("platy-eks-logs")
                        .key("spark/" + cluster.externalId() + "/jobs/" + runId
                                + "/containers/spark-0001/spark-0001-exec-1/stdout.gz"),
                RequestBody.fromBytes(JobRunFixtures.gzip("executor line\n")));
        SparkApp submitted = JobRunFixtures.submitted(app, "emr-eks", runId);

        LogPage first = backend.logs(cluster, submitted, 0, 2);
        LogPage rest = backend.logs(cluster, submitted, 2, 10);
        LogPage tail = backend.logs(cluster, submitted, -1, 1);

        assertThat(first.total()).isEqualTo(5);
        assertThat(first.lines())
                .extracting(l -> l.stream() + ":" + l.text())
                .containsExactly("STDOUT:one", "STDOUT:two");
        assertThat(rest.from()).isEqualTo(2);
        assertThat(rest.lines())
                .extracting(l -> l.stream() + ":" + l.text())
                .containsExactly("STDOUT:three", "STDERR:WARN spark", "STDERR:ValueError: bad input");
        assertThat(tail.lines()).singleElement().satisfies(l -> {
            assertThat(l.stream()).isEqualTo(LogStream.STDERR);
            assertThat(l.text()).isEqualTo("ValueError: bad input");
        });
    }

    @Test
    void aPlatformMadeVirtualClusterIsTaggedAdoptedOnARetriedCreateAndDeletedOnTerminate() {
        EksClusterBackend clusters = new EksClusterBackend(eks);
        String namespace = "spark-t" + UUID.randomUUID().toString().substring(0, 8);
        String config = configs.validate("config", "{\"namespace\":\"" + namespace + "\"}", "t", "data")
                .json();
        Cluster recorded = JobRunFixtures.cluster(ClusterKind.EKS, config, null);

        ClusterBackend.ClusterStatus created = clusters.create(recorded);
        ClusterBackend.ClusterStatus again = clusters.create(recorded);

        assertThat(again.externalId()).as("adopted by its platform id tag").isEqualTo(created.externalId());
        var vc = eks.describeVirtualCluster(created.externalId());
        assertThat(vc.namespace()).isEqualTo(namespace);
        assertThat(vc.tags())
                .containsEntry("platy:cluster-id", recorded.id().toString())
                .containsEntry("team", "data");
        Cluster live = new Cluster(
                recorded.id(),
                recorded.name(),
                recorded.kind(),
                recorded.team(),
                config,
                created.externalId(),
                null,
                null,
                ClusterState.WAITING,
                null,
                null,
                null,
                null,
                null);
        assertThat(clusters.describeAll(List.of(live)).get(live.id()).state()).isEqualTo(ClusterState.WAITING);

        clusters.terminate(live);

        assertThat(clusters.describeAll(List.of(live)).get(live.id()).state()).isEqualTo(ClusterState.TERMINATED);
    }

    @Test
    void aRegisteredVirtualClusterIsReadyAtOnceAndOnlyForgottenOnTerminate() {
        EksClusterBackend clusters = new EksClusterBackend(eks);
        Cluster registered = virtualCluster();

        ClusterBackend.ClusterStatus status = clusters.create(registered);
        clusters.terminate(registered);

        assertThat(status.state()).isEqualTo(ClusterState.WAITING);
        assertThat(status.externalId()).isEqualTo(registered.externalId());
        assertThat(eks.describeVirtualCluster(registered.externalId()).state()).isEqualTo("RUNNING");
    }
}
