package io.platyspark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.client.cli.PlatyCli;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.server.SparkServerApplication;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The CLI against a real embedded spark-server running real PySpark apps: the example succeeds and exits 0, a
 * failing app exits non-zero with its error shown, a connection cut mid-follow resumes without repeating a line,
 * and a submit whose answer was lost is retried into the same app.
 */
@SpringBootTest(
        classes = SparkServerApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + CliEndToEndTest.TOKEN,
            "platy.reconcile.enabled=true",
            "platy.reconcile.interval=300ms",
            "platy.submission.poll-interval=300ms"
        })
class CliEndToEndTest {

    static final String TOKEN = "platy_cli-test-admin-token-0123456789";
    static final Path REPO = Path.of(System.getProperty("platy.repo.root", ".."))
            .toAbsolutePath()
            .normalize();
    static final String PYTHON = System.getProperty(
            "platy.test.python", REPO.resolve(".venv/bin/python").toString());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("platy.local.python", () -> PYTHON);
        registry.add("platy.security.local-source-roots", REPO::toString);
        registry.add(
                "platy.local.work-dir",
                () -> REPO.resolve("client/target/platy-local").toString());
        registry.add(
                "platy.artifacts.local-dir",
                () -> REPO.resolve("client/target/platy-artifacts").toString());
    }

    @LocalServerPort
    int port;

    private record Result(int exit, String out, String err) {}

    private Result cli(int serverPort, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        all[0] = "--server";
        all[1] = "http://localhost:" + serverPort;
        all[2] = "--token";
        all[3] = TOKEN;
        System.arraycopy(args, 0, all, 4, args.length);
        int exit = PlatyCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void theExampleRunsToSucceededStreamsItsLogsAndExitsZero() {
        Result run = cli(
                port,
                "run",
                REPO.resolve("examples/pyspark/word_count.py").toString(),
                "--cluster",
                "local",
                "--team",
                "data",
                "--follow",
                "--poll-interval",
                "300ms");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("uploaded word_count.py -> file:")
                .contains("state: RUNNING")
                .contains("[stdout] words counted: 46")
                .containsPattern("\\[stderr\\] .*SparkContext")
                .containsPattern("Spark UI: http://localhost:40\\d\\d")
                .containsPattern("ended SUCCEEDED in \\d+\\.\\d s")
                .containsPattern("metrics: \\d+ jobs, \\d+ tasks");
        Matcher id = Pattern.compile("submitted app ([0-9a-f-]{36})").matcher(run.out());
        assertThat(id.find()).isTrue();
        Result get = cli(port, "apps", "get", id.group(1));
        assertThat(get.out()).contains("SUCCEEDED").contains("team=data");
        Result logs = cli(port, "apps", "logs", id.group(1), "--stream", "stdout");
        assertThat(logs.out()).contains("stdout: words counted: 46").doesNotContain("stderr:");
    }

    @Test
    void aFailingAppExitsNonZeroWithItsErrorShown() {
        Result run = cli(
                port,
                "run",
                REPO.resolve("examples/pyspark/fail.py").toString(),
                "--cluster",
                "local",
                "--team",
                "data",
                "--follow",
                "--poll-interval",
                "300ms");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out())
                .contains("ValueError: the input table is empty")
                .contains("ended FAILED")
                .contains("state: FAILED (spark-submit exited with code 1: ValueError: the input table is empty");
    }

    @Test
    void aConnectionCutWhileFollowingResumesWithoutRepeatingALine() throws Exception {
        try (TcpProxy proxy = new TcpProxy(port)) {
            StringWriter out = new StringWriter();
            PrintWriter printer = new PrintWriter(out, true);
            CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> PlatyCli.run(
                    printer,
                    new PrintWriter(new StringWriter(), true),
                    "--server",
                    "http://localhost:" + proxy.port(),
                    "--token",
                    TOKEN,
                    "--timeout",
                    "5s",
                    "run",
                    REPO.resolve("client/src/test/resources/apps/numbered_lines.py")
                            .toString(),
                    "--cluster",
                    "local",
                    "--team",
                    "data",
                    "--follow",
                    "--poll-interval",
                    "200ms"));

            await().atMost(Duration.ofSeconds(90)).until(() -> out.toString().contains("[stdout] line 5"));
            proxy.refuse(true);
            proxy.cutAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("connection lost"));
            proxy.refuse(false);
            int exit = running.get();

            String text = out.toString();
            assertThat(exit).as(text).isZero();
            for (int i = 0; i < 40; i++) {
                assertThat(count(text, "[stdout] line " + i + "\n"))
                        .as("line %d in%n%s", i, text)
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void aSubmitWhoseAnswerWasLostIsRetriedIntoTheSameApp() throws Exception {
        try (TcpProxy proxy = new TcpProxy(port)) {
            proxy.stallFirstResponse(Duration.ofSeconds(3));
            PlatyClient client = PlatyClient.builder()
                    .baseUrl("http://localhost:" + proxy.port())
                    .token(TOKEN)
                    .readTimeout(Duration.ofSeconds(1))
                    .backoff(Duration.ofMillis(100))
                    .build();
            String name = "retried-" + System.nanoTime();

            Model.App app = client.submit(
                    new Model.SubmitRequest(
                            name,
                            "data",
                            "local",
                            REPO.resolve("examples/pyspark/word_count.py").toString(),
                            null,
                            List.of(),
                            Map.of(),
                            null,
                            null,
                            null,
                            null),
                    "key-" + name);

            PlatyClient direct = PlatyClient.builder()
                    .baseUrl("http://localhost:" + port)
                    .token(TOKEN)
                    .build();
            List<Model.App> same = direct.apps(null, "data", null, 500, null).items().stream()
                    .filter(a -> a.name().equals(name))
                    .toList();
            assertThat(same).hasSize(1);
            assertThat(same.get(0).id()).isEqualTo(app.id());
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
