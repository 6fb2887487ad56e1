package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.backend.livy.LivySparkBackend;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.env.EnvSparkConf;
import io.platyspark.core.env.Environments;
import io.platyspark.core.reconcile.Watchdog;
import io.platyspark.core.submit.SubmissionProperties;
import io.platyspark.core.submit.SubmissionWorker;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.livy.Batch;
import io.platyspark.livy.BatchPage;
import io.platyspark.livy.LivyClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The Livy backend's scenarios, one list run against two servers: the faithful fake ({@link
 * LivyBackendIntegrationTest}, which adds the fault-injection scenarios only a fake can play) and the published
 * Apache Livy 0.7.1 running real PySpark jobs ({@link RealLivyBackendIntegrationTest}). Apps go through the REST API
 * onto a cluster registered by its Livy URL; the worker and the watchdog are run by the test, one round at a time.
 * A scenario names the job an app runs ({@link Job}); the real server runs it, the fake is made to answer as the
 * real server did for it ({@link #play}).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.security.allowed-livy-hosts=localhost,127.0.0.1",
            "platy.security.allowed-buckets=team-artifacts",
            "platy.submission.enabled=false",
            "platy.reconcile.enabled=false",
            "platy.reconcile.lost-after=10m",
            "platy.livy.max-retries=0"
        })
@Import(LivyBackendScenarios.Clock.class) // a nested configuration of a superclass is not found by itself
abstract class LivyBackendScenarios {

    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));

    /** What an app's code does. */
    enum Job {
        /** Prints {@code line 1} … {@code line 30}, then {@code done} to stderr, and succeeds. */
        PRINTS_LINES,
        /** Starts a SparkSession, counts a range, then raises {@code ZeroDivisionError}; Spark shuts down after. */
        DIVIDES_BY_ZERO,
        /** Sleeps two minutes (to be killed). */
        RUNS_LONG
    }

    @TestConfiguration
    static class Clock {
        @Bean
        MutableClock clock() {
            return CLOCK;
        }
    }

    static void register(DynamicPropertyRegistry registry, Path artifacts) {
        TestDatabase.register(registry);
        registry.add("platy.env.python", () -> System.getProperty("platy.test.python", "python3"));
        registry.add("platy.artifacts.local-dir", artifacts::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    SparkAppStore apps;

    @Autowired
    ClusterStore clusters;

    @Autowired
    SparkBackends backends;

    @Autowired
    LivySparkBackend livyBackend;

    @Autowired
    Watchdog watchdog;

    @Autowired
    MeterRegistry meters;

    @Autowired
    Environments environments;

    @Autowired
    EnvSparkConf envSparkConf;

    ApiClient api;
    SubmissionWorker worker;
    String cluster;
    LivyClient livy;

    /** The Livy server under test. */
    abstract String livyUrl();

    /** Where the job's code is, as an app's {@code source}. */
    abstract String source(Job job);

    /** Makes the fake's batch of the app do what the job does on real Livy; the real server needs nothing. */
    abstract void play(String appId, Job job);

    /** Lets Livy's retention run out for the finished batches, and waits for Livy's purge. */
    abstract void letLivyPurgeFinishedBatches();

    /** How long a real job may take to reach a state (the fake is there at once). */
    Duration patience() {
        return Duration.ofSeconds(5);
    }

    @BeforeEach
    void setUpScenario() {
        // Tests share the context's database: end every app an earlier test left active.
        for (SparkApp left : apps.findByStates(AppState.activeStates())) {
            apps.transition(left.id(), left.state(), AppTransition.to(AppState.KILLED, "test clean-up"));
        }
        api = new ApiClient(port);
        livy = LivyClient.builder().baseUrl(livyUrl()).build();
        cluster = "emr-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> register =
                Map.of("name", cluster, "kind", "DEDICATED", "team", "data", "livyUrl", livyUrl());
        assertThat(api.post("/api/v1/clusters", register, Map.of()).status()).isEqualTo(202);
        worker = new SubmissionWorker(
                apps,
                clusters,
                backends,
                new SubmissionProperties(
                        true,
                        1,
                        50,
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(5),
                        5,
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(15)),
                CLOCK,
                meters,
                io.platyspark.core.submit.SourceStager.none(),
                environments == null ? io.platyspark.core.env.Environments.none() : environments,
                envSparkConf == null ? new io.platyspark.core.env.EnvSparkConf() : envSparkConf,
                io.platyspark.core.env.PythonTargets.unknown());
    }

    String submit(String name, String source, String requestId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("team", "data");
        body.put("cluster", cluster);
        body.put("source", source);
        body.put("args", List.of("--day", "2026-03-01"));
        body.put("sparkConf", Map.of("spark.executor.memory", "1g"));
        ApiClient.Response response =
                api.post("/api/v1/apps", body, requestId == null ? Map.of() : Map.of("X-Request-Id", requestId));
        assertThat(response.status()).as(response.raw()).isEqualTo(202);
        return response.body().get("id").asString();
    }

    /** Submits an app running the job and hands it to Livy. */
    String run(String name, Job job) {
        String id = submit(name, source(job), null);
        worker.runOnce();
        assertThat(state(id)).as(app(id).toString()).isIn("SUBMITTED", "RUNNING");
        play(id, job);
        return id;
    }

    JsonNode app(String id) {
        return api.get("/api/v1/apps/" + id).body();
    }

    String state(String id) {
        return app(id).get("state").asString();
    }

    /** Runs watchdog cycles until the app is in the state. */
    void awaitState(String id, String expected) {
        Awaitility.await("app " + id + " " + expected)
                .atMost(patience())
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    watchdog.runOnce();
                    String now = state(id);
                    assertThat(now)
                            .as(() -> "app " + id + ": " + app(id))
                            .isIn(expected, "SUBMITTED", "RUNNING", "PENDING");
                    return now.equals(expected);
                });
    }

    /** Every batch of that name Livy lists. */
    List<Batch> batchesNamed(String name) {
        List<Batch> found = new ArrayList<>();
        BatchPage page = livy.listBatches(0, 1000);
        page.sessions().stream().filter(b -> name.equals(b.name())).forEach(found::add);
        return found;
    }

    List<String> allLogLines(String id) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (true) {
            JsonNode page = api.get("/api/v1/apps/" + id + "/logs?from=" + from + "&size=7")
                    .body();
            page.get("lines")
                    .forEach(l -> lines.add(
                            l.get("stream").asString() + ": " + l.get("text").asString()));
            from = page.get("nextFrom").asInt();
            if (page.get("lines").isEmpty() || from >= page.get("total").asInt()) {
                return lines;
            }
        }
    }

    // ---- the scenarios, on both servers --------------------------------------------------------------------------

    @Test
    void anAppRunsToSuccessAndItsLogsPageFromTheStartOrFromTheEnd() {
        String id = run("prints", Job.PRINTS_LINES);

        awaitState(id, "SUCCEEDED");

        List<String> lines = allLogLines(id);
        List<String> printed = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            printed.add("stdout: line " + i);
        }
        printed.add("stdout: done");
        assertThat(lines)
                .as("the app's stderr is in Livy's stdout section")
                .containsSubsequence(printed)
                .noneMatch(l -> l.startsWith("stderr: "));
        ApiClient.Response last = api.get("/api/v1/apps/" + id + "/logs?from=-1&size=3");
        assertThat(last.status()).isEqualTo(200);
        int total = last.body().get("total").asInt();
        assertThat(total).isEqualTo(lines.size()).isGreaterThan(3);
        assertThat(last.body().get("from").asInt())
                .as("a negative from is the last size lines")
                .isEqualTo(total - 3);
        List<String> tail = new ArrayList<>();
        last.body()
                .get("lines")
                .forEach(l -> tail.add(
                        l.get("stream").asString() + ": " + l.get("text").asString()));
        assertThat(tail).isEqualTo(lines.subList(total - 3, total));
        List<String> events = new ArrayList<>();
        api.get("/api/v1/apps/" + id + "/events").body().forEach(e -> {
            if (!e.get("from").equals(e.get("to"))) {
                events.add(e.get("to").asString());
            }
        });
        assertThat(events).startsWith("PENDING").endsWith("SUCCEEDED").doesNotHaveDuplicates();
    }

    @Test
    void aDeadBatchsReasonCarriesTheErrorFromItsLogNotJustLivysWord() {
        String id = run("divides", Job.DIVIDES_BY_ZERO);

        awaitState(id, "FAILED");

        assertThat(app(id).get("stateReason").asString())
                .startsWith("Livy batch ")
                .endsWith(" is dead: ZeroDivisionError: division by zero");
    }

    @Test
    void killDeletesTheBatchAndRecordsKilled() {
        String id = run("to-kill", Job.RUNS_LONG);
        awaitState(id, "RUNNING");

        ApiClient.Response killed = api.delete("/api/v1/apps/" + id);
        watchdog.runOnce();

        assertThat(killed.status()).isEqualTo(200);
        assertThat(state(id)).isEqualTo("KILLED");
        assertThat(batchesNamed("platy-" + id))
                .as("Livy removes a deleted batch")
                .isEmpty();
    }

    @Test
    void aCrashBetweenLivysAcceptAndTheStoresWriteYieldsExactlyOneBatch() {
        String id = submit("crashy", source(Job.PRINTS_LINES), null);
        SparkApp stored = apps.find(UUID.fromString(id)).orElseThrow();
        Cluster target = clusters.findActive(cluster).orElseThrow();
        // The first attempt reached Livy, then the process died before recording the batch.
        livyBackend.submit(target, stored);
        assertThat(state(id)).isEqualTo("PENDING");

        worker.runOnce();

        JsonNode adopted = app(id);
        assertThat(adopted.get("state").asString()).isIn("SUBMITTED", "RUNNING");
        assertThat(adopted.get("stateReason").asString()).contains("adopted");
        assertThat(batchesNamed("platy-" + id)).hasSize(1);
        play(id, Job.PRINTS_LINES);
        awaitState(id, "SUCCEEDED");
    }

    @Test
    void logsOfAFinishedAppWhoseBatchLivyPurgedAreGoneNotAnEmptyPage() {
        String id = run("purged", Job.PRINTS_LINES);
        awaitState(id, "SUCCEEDED");
        assertThat(api.get("/api/v1/apps/" + id + "/logs").body().get("total").asInt())
                .isPositive();

        letLivyPurgeFinishedBatches();
        ApiClient.Response gone = api.get("/api/v1/apps/" + id + "/logs");

        assertThat(gone.status()).as(gone.raw()).isEqualTo(410);
        assertThat(gone.body().get("type").asString()).isEqualTo("urn:platyspark:problem:logs-gone");
        assertThat(gone.body().get("detail").asString()).contains("no longer holds batch platy-" + id, "state-retain");
        assertThat(state(id)).as("the app's record stands").isEqualTo("SUCCEEDED");
    }

    @Test
    void aWrongBasePathIsAnOutageNotAMissingBatchOrARefusal() {
        String wrong = "emr-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post(
                                "/api/v1/clusters",
                                Map.of(
                                        "name",
                                        wrong,
                                        "kind",
                                        "DEDICATED",
                                        "team",
                                        "data",
                                        "livyUrl",
                                        livyUrl() + "/no-such-path"),
                                Map.of())
                        .status())
                .isEqualTo(202);
        Map<String, Object> body = new HashMap<>();
        body.put("name", "misrouted");
        body.put("team", "data");
        body.put("cluster", wrong);
        body.put("source", source(Job.PRINTS_LINES));
        String id = api.post("/api/v1/apps", body, Map.of()).body().get("id").asString();

        worker.runOnce();

        JsonNode waiting = app(id);
        assertThat(waiting.get("state").asString())
                .as("retried later, not failed")
                .isEqualTo("PENDING");
        assertThat(waiting.get("stateReason").asString()).contains("404");
        assertThat(batchesNamed("platy-" + id)).isEmpty();
    }

    @Test
    void logsOfAnAppWhoseClusterEndedAreGoneNotUnavailable() {
        String id = run("short-lived", Job.RUNS_LONG);
        assertThat(api.get("/api/v1/apps/" + id + "/logs").status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/clusters/" + cluster).status()).isLessThan(300);
        ApiClient.Response gone = api.get("/api/v1/apps/" + id + "/logs");

        assertThat(gone.status()).as(gone.raw()).isEqualTo(410);
        assertThat(gone.body().get("type").asString()).isEqualTo("urn:platyspark:problem:logs-gone");
        assertThat(gone.body().get("detail").asString()).contains("'" + cluster + "'", "TERMINATED");
    }
}
