package io.platyspark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.aws.eks.EmrOnEksJobs;
import io.platyspark.aws.moto.MotoJobStates;
import io.platyspark.client.cli.PlatyCli;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.livy.fake.FakeLivy;
import io.platyspark.server.SparkServerApplication;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.emrcontainers.EmrContainersClient;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;

/**
 * The write-up's migration as a user sees it: the same app sent with the same {@code platy run} command to an EMR
 * cluster (registered by its Livy URL; a fake Livy plays its master), an EMR on EKS virtual cluster (registered by
 * its id at moto) and an EMR Serverless application (made by the platform at moto), changing only {@code --cluster}.
 * Each backend is then asked what it was given.
 */
@SpringBootTest(
        classes = SparkServerApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + CliAcrossBackendsTest.TOKEN,
            "platy.security.allowed-buckets=platy-cli",
            "platy.security.allowed-livy-hosts=localhost,127.0.0.1",
            "platy.local.enabled=false",
            "platy.submission.enabled=true",
            "platy.submission.poll-interval=200ms",
            "platy.reconcile.enabled=true",
            "platy.reconcile.interval=300ms",
            "platy.reconcile.cluster-interval=0s",
            "platy.eks.enabled=true",
            "platy.eks.execution-roles.data=" + CliAcrossBackendsTest.ROLE,
            "platy.eks.log-uri=s3://platy-cli-logs/eks",
            "platy.serverless.enabled=true",
            "platy.serverless.execution-roles.data=" + CliAcrossBackendsTest.ROLE,
            "platy.serverless.log-uri=s3://platy-cli-logs/serverless"
        })
class CliAcrossBackendsTest {

    static final String TOKEN = "platy_cli-backends-admin-token-0123456789";
    static final String ROLE = "arn:aws:iam::123456789012:role/data-spark";
    static final MotoJobStates MOTO = MotoJobStates.get();
    static final FakeLivy LIVY = new FakeLivy();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("platy.aws.endpoint", () -> MOTO.endpoint().toString());
        registry.add("platy.aws.region", () -> "us-east-1");
    }

    @AfterAll
    static void stop() {
        LIVY.close();
    }

    @LocalServerPort
    int port;

    private record Result(int exit, String out, String err) {}

    private Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--server", "http://localhost:" + port, "--token", TOKEN));
        all.addAll(List.of(args));
        int exit = PlatyCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    private String run(String cluster) {
        Result run = cli(
                "run",
                "s3://platy-cli/jobs/etl.py",
                "--cluster",
                cluster,
                "--team",
                "data",
                "--conf",
                "spark.executor.memory=4g",
                "--",
                "--day",
                "2026-01-01");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        Matcher id = Pattern.compile("submitted app ([0-9a-f-]{36})").matcher(run.out());
        assertThat(id.find()).as(run.out()).isTrue();
        return id.group(1);
    }

    @Test
    void theSameAppRunsOnEmrEksAndServerlessChangingOnlyTheCluster() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        EmrContainersClient eksClient = MOTO.clients().emrContainers();
        String vc = new EmrOnEksJobs(eksClient).createVirtualCluster("team-data", "eks-main", "data-" + suffix);
        Path eksConfig =
                Files.writeString(Files.createTempFile("eks", ".json"), "{\"virtualClusterId\":\"" + vc + "\"}");

        Result emr = cli(
                "clusters",
                "create",
                "emr-" + suffix,
                "--kind",
                "DEDICATED",
                "--team",
                "data",
                "--livy-url",
                LIVY.url());
        Result eks = cli(
                "clusters",
                "create",
                "eks-" + suffix,
                "--kind",
                "EKS",
                "--team",
                "data",
                "--config",
                eksConfig.toString());
        Result serverless = cli("clusters", "create", "sls-" + suffix, "--kind", "SERVERLESS", "--team", "data");
        for (Result created : List.of(emr, eks, serverless)) {
            assertThat(created.exit()).as(created.out() + created.err()).isZero();
        }
        PlatyClient client = PlatyClient.builder()
                .baseUrl("http://localhost:" + port)
                .token(TOKEN)
                .build();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> List.of("emr-", "eks-", "sls-").stream()
                        .allMatch(
                                p -> "WAITING".equals(client.cluster(p + suffix).state())));
        assertThat(client.cluster("eks-" + suffix).externalId()).isEqualTo(vc);

        String onEmr = run("emr-" + suffix);
        String onEks = run("eks-" + suffix);
        String onServerless = run("sls-" + suffix);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.app(onEmr).backend() != null
                        && client.app(onEks).state() == Model.AppState.RUNNING
                        && client.app(onServerless).state() == Model.AppState.SUCCEEDED);
        FakeLivy.View batch = LIVY.batchByName("platy-" + onEmr);
        assertThat(batch.file()).isEqualTo("s3://platy-cli/jobs/etl.py");
        assertThat(batch.args()).containsExactly("--day", "2026-01-01");
        var eksRun = eksClient
                .describeJobRun(r ->
                        r.virtualClusterId(vc).id(client.app(onEks).backend().id()))
                .jobRun();
        assertThat(eksRun.jobDriver().sparkSubmitJobDriver().entryPoint()).isEqualTo("s3://platy-cli/jobs/etl.py");
        assertThat(eksRun.jobDriver().sparkSubmitJobDriver().entryPointArguments())
                .containsExactly("--day", "2026-01-01");
        assertThat(eksRun.configurationOverrides()
                        .applicationConfiguration()
                        .get(0)
                        .properties())
                .containsEntry("spark.executor.memory", "4g");
        assertThat(eksRun.executionRoleArn()).isEqualTo(ROLE);
        EmrServerlessClient slsClient = MOTO.clients().emrServerless();
        String application = client.cluster("sls-" + suffix).externalId();
        var slsRun = slsClient
                .getJobRun(r -> r.applicationId(application)
                        .jobRunId(client.app(onServerless).backend().id()))
                .jobRun();
        assertThat(slsRun.jobDriver().sparkSubmit().entryPoint()).isEqualTo("s3://platy-cli/jobs/etl.py");
        assertThat(slsRun.jobDriver().sparkSubmit().entryPointArguments()).containsExactly("--day", "2026-01-01");
        assertThat(slsRun.tags()).containsEntry("team", "data");
        assertThat(client.app(onEks).links().logArchive()).startsWith("s3://platy-cli-logs/eks/" + vc + "/jobs/");

        Result kill = cli("apps", "kill", onEks);
        assertThat(kill.exit()).as(kill.out() + kill.err()).isZero();
        assertThat(eksClient
                        .describeJobRun(r -> r.virtualClusterId(vc)
                                .id(client.app(onEks).backend().id()))
                        .jobRun()
                        .stateAsString())
                .isEqualTo("CANCELLED");

        Result refused =
                cli("clusters", "create", "bad-" + suffix, "--kind", "EKS", "--team", "data", "--livy-url", LIVY.url());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err() + refused.out()).contains("livyUrl").contains("runs no Livy");
    }
}
