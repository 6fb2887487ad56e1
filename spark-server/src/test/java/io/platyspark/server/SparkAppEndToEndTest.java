package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.backend.local.LocalSparkBackend;
import io.platyspark.core.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Real PySpark jobs through the REST API on the local backend: pyspark's bundled Spark, a real PostgreSQL, the
 * real submission worker and reconciler.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.reconcile.enabled=true",
            "platy.reconcile.interval=300ms",
            "platy.submission.poll-interval=300ms",
            // the embedded mode's History Server, on a free port (the machine runs other builds)
            "platy.history.embedded-server=true",
            "platy.history.embedded-port=0"
        })
class SparkAppEndToEndTest {

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
                () -> REPO.resolve("spark-server/target/platy-local").toString());
        // A store of this run's own: environments are built here, not found from an earlier run.
        registry.add(
                "platy.artifacts.local-dir",
                () -> REPO.resolve("spark-server/target/platy-artifacts-" + java.util.UUID.randomUUID())
                        .toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    LocalSparkBackend localBackend;

    ApiClient api;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        assertThat(localBackend.sparkHome())
                .as("a Spark for the local backend: pyspark in %s (bin/test installs it)", PYTHON)
                .isPresent();
    }

    private String submit(String name, String source, List<String> args) {
        ApiClient.Response response = api.post(
                "/api/v1/apps",
                Map.of("name", name, "team", "data", "cluster", "local", "source", source, "args", args),
                Map.of("X-Request-Id", "e2e-" + name));
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(202);
        assertThat(response.body().get("state").asString()).isEqualTo("PENDING");
        assertThat(response.body().get("resolvedSource").isNull())
                .as("not submitted yet")
                .isTrue();
        return response.body().get("id").asString();
    }

    private JsonNode awaitState(String id, String state) {
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    String now =
                            api.get("/api/v1/apps/" + id).body().get("state").asString();
                    if (!now.equals(state)
                            && List.of("SUCCEEDED", "FAILED", "KILLED", "LOST").contains(now)) {
                        throw new AssertionError("app " + id + " ended " + now + ", expected " + state + ": "
                                + api.get("/api/v1/apps/" + id).body());
                    }
                    return now.equals(state);
                });
        return api.get("/api/v1/apps/" + id).body();
    }

    private List<String> allLines(String id, String stream) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (true) {
            JsonNode page = api.get("/api/v1/apps/" + id + "/logs?from=" + from + "&size=50")
                    .body();
            for (JsonNode line : page.get("lines")) {
                if (stream == null || stream.equals(line.get("stream").asString())) {
                    lines.add(line.get("text").asString());
                }
            }
            if (page.get("nextFrom").asInt() >= page.get("total").asInt()) {
                return lines;
            }
            from = page.get("nextFrom").asInt();
        }
    }

    @Test
    void pysparkAppsRunToSucceededAndToFailedWithTheirOutput() {
        String ok = submit(
                "word-count", REPO.resolve("examples/pyspark/word_count.py").toString(), List.of("3"));
        String bad = submit("fails", REPO.resolve("examples/pyspark/fail.py").toString(), List.of());

        JsonNode succeeded = awaitState(ok, "SUCCEEDED");
        JsonNode failed = awaitState(bad, "FAILED");

        assertThat(succeeded.get("requestId").asString()).isEqualTo("e2e-word-count");
        assertThat(succeeded.get("backend").get("name").asString()).isEqualTo("local");
        // The local store ships nothing: the run read the source where it was given.
        assertThat(succeeded.get("resolvedSource").asString())
                .isEqualTo(succeeded.get("source").asString())
                .endsWith("examples/pyspark/word_count.py");
        assertThat(succeeded.get("resolvedPyFiles")).isEmpty();
        // Live, the Spark UI; ended, the History Server's page of the app, which answers and shows it.
        String history = succeeded.get("links").get("sparkUi").asString();
        assertThat(history).matches("http://localhost:\\d+/history/local-\\d+/jobs/");
        assertThat(succeeded.get("backend").get("applicationId").asString()).startsWith("local-");
        assertThat(history)
                .contains(succeeded.get("backend").get("applicationId").asString());
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newBuilder()
                            .followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                            .build()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(history))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertThat(page.statusCode()).isEqualTo(200);
                    assertThat(page.body()).contains("platy-word-count").contains("Spark Jobs");
                });
        assertThat(allLines(ok, "stdout")).contains("words counted: 46", "the\t5");
        JsonNode metrics = succeeded.get("metrics");
        assertThat(metrics.get("tasks").asLong())
                .as("from Spark's event log: %s", metrics)
                .isPositive();
        assertThat(metrics.get("jobs").asLong()).isPositive();
        assertThat(metrics.get("durationMs").asLong()).isPositive();
        // Spark records peak memory from its executor-metrics poller, which runs at each heartbeat (10 s) by default:
        // a word count that ends sooner has nothing to report, so the figure is there but may be 0.
        assertThat(metrics.has("peakJvmHeapBytes")).as("%s", metrics).isTrue();
        assertThat(metrics.get("peakJvmHeapBytes").asLong()).isNotNegative();
        assertThat(allLines(ok, "stderr")).isNotEmpty();
        List<JsonNode> events = new ArrayList<>();
        // State changes only: an event whose from and to agree records a new reason in the same state.
        api.get("/api/v1/apps/" + ok + "/events").body().forEach(e -> {
            if (!e.get("from").equals(e.get("to"))) {
                events.add(e);
            }
        });
        assertThat(events)
                .extracting(e -> e.get("to").asString())
                .containsExactly("PENDING", "SUBMITTED", "RUNNING", "SUCCEEDED");

        assertThat(failed.get("stateReason").asString())
                .contains("exited with code")
                .contains("ValueError: the input table is empty");
        assertThat(allLines(bad, "stdout")).contains("counted 3 rows before failing");
        // Spark's PythonRunner merges the driver's stderr into stdout, so the traceback is found in the whole log.
        assertThat(allLines(bad, null)).anyMatch(l -> l.contains("ValueError: the input table is empty"));
    }

    @Test
    void killStopsARunningApp() {
        String id = submit(
                "sleepy",
                REPO.resolve("spark-server/src/test/resources/apps/sleepy.py").toString(),
                List.of());
        awaitState(id, "RUNNING");
        await().atMost(Duration.ofMinutes(2)).until(() -> allLines(id, "stdout").contains("sleepy started"));

        ApiClient.Response killed = api.delete("/api/v1/apps/" + id);
        ApiClient.Response again = api.delete("/api/v1/apps/" + id);

        assertThat(killed.status()).isEqualTo(200);
        assertThat(killed.body().get("state").asString()).isEqualTo("KILLED");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("type").asString()).isEqualTo("urn:platyspark:problem:app-already-finished");
        long pid = Long.parseLong(killed.body().get("backend").get("id").asString());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void anAppImportingAPackageOnlyItsEnvironmentHasSucceeds() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "with-deps");
        body.put("team", "data");
        body.put("cluster", "local");
        body.put("source", REPO.resolve("examples/pyspark/with_deps/app.py").toString());
        body.put("requirements", List.of("tabulate==0.9.0"));
        String ok = api.post("/api/v1/apps", body, Map.of()).body().get("id").asString();
        body.put("name", "no-such-package");
        body.put("requirements", List.of("platy-no-such-package-xyz==1.0"));
        String bad = api.post("/api/v1/apps", body, Map.of()).body().get("id").asString();

        JsonNode succeeded = awaitState(ok, "SUCCEEDED");
        JsonNode failed = awaitState(bad, "FAILED");

        assertThat(allLines(ok, "stdout")).contains("environment ok: 4 rows");
        assertThat(succeeded.get("env").get("id").asString()).isNotBlank();
        List<String> states = new ArrayList<>();
        api.get("/api/v1/apps/" + ok + "/events").body().forEach(e -> {
            if (!e.get("from").equals(e.get("to"))) {
                states.add(e.get("to").asString());
            }
        });
        assertThat(states).containsSubsequence("PENDING", "BUILDING_ENV", "SUBMITTED", "RUNNING", "SUCCEEDED");
        assertThat(failed.get("stateReason").asString())
                .contains("Python environment failed to build")
                .contains("pip could not find platy-no-such-package-xyz==1.0");
    }
}
