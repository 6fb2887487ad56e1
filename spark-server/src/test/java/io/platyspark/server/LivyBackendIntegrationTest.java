package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.backend.livy.LivySparkBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.reconcile.Watchdog;
import io.platyspark.core.submit.SubmissionProperties;
import io.platyspark.core.submit.SubmissionWorker;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.livy.BatchState;
import io.platyspark.livy.fake.FakeLivy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Apps through the REST API onto a cluster registered by its Livy URL, against the faithful fake Livy: the whole
 * life of an app, logs, kill, Livy failing during submit, a crash between Livy's accept and the store's write, an
 * unreachable Livy, a Livy restart, and the number of Livy calls a watchdog cycle makes. The worker and the
 * watchdog are run by the test, one round at a time, on a settable clock.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
        "platy.security.allowed-livy-hosts=localhost,127.0.0.1",
        "platy.security.allowed-buckets=team-artifacts",
        "platy.submission.enabled=false",
        "platy.reconcile.enabled=false",
        "platy.reconcile.lost-after=10m",
        "platy.livy.max-retries=0"})
class LivyBackendIntegrationTest {

    static final String ARTIFACTS = System.getProperty("java.io.tmpdir") + "/platy-livy-it-" + UUID.randomUUID();
    static final FakeLivy LIVY = new FakeLivy().localDirWhitelist(ARTIFACTS);
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));

    @TestConfiguration
    static class Clock {
        @Bean
        MutableClock clock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("platy.env.python", () -> System.getProperty("platy.test.python", "python3"));
        registry.add("platy.artifacts.local-dir", () -> ARTIFACTS);
    }

    @AfterAll
    static void stopLivy() {
        LIVY.close();
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
    io.platyspark.core.env.Environments environments;
    @Autowired
    io.platyspark.core.env.EnvSparkConf envSparkConf;

    ApiClient api;
    SubmissionWorker worker;
    String cluster;
    ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void setUp() {
        // Tests share the context's database: end every app an earlier test left active.
        for (SparkApp left : apps.findByStates(AppState.activeStates())) {
            apps.transition(left.id(), left.state(), io.platyspark.core.app.AppTransition.to(AppState.KILLED,
                    "test clean-up"));
        }
        LIVY.restart();
        LIVY.resetCounters();
        LIVY.dropConnections(false);
        LIVY.clock(CLOCK);
        api = new ApiClient(port);
        cluster = "emr-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> register = Map.of("name", cluster, "kind", "DEDICATED", "team", "data",
                "livyUrl", LIVY.url());
        assertThat(api.post("/api/v1/clusters", register, Map.of()).status()).isEqualTo(202);
        worker = new SubmissionWorker(apps, clusters, backends, new SubmissionProperties(true, 1, 50,
                Duration.ofSeconds(1), Duration.ofMinutes(5), 5, Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofSeconds(15)), CLOCK, meters, null, environments, envSparkConf);
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private String submit(String name, String requestId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("team", "data");
        body.put("cluster", cluster);
        body.put("source", "s3://team-artifacts/jobs/" + name + ".py");
        body.put("args", List.of("--day", "2026-03-01"));
        body.put("sparkConf", Map.of("spark.executor.memory", "4g"));
        ApiClient.Response response = api.post("/api/v1/apps", body,
                requestId == null ? Map.of() : Map.of("X-Request-Id", requestId));
        assertThat(response.status()).as(response.raw()).isEqualTo(202);
        return response.body().get("id").asString();
    }

    private JsonNode app(String id) {
        return api.get("/api/v1/apps/" + id).body();
    }

    private String state(String id) {
        return app(id).get("state").asString();
    }

    private long batchId(String id) {
        return LIVY.batchByName("platy-" + id).id();
    }

    @Test
    void anAppGoesPendingSubmittedRunningSucceededWithLinksAndPagedLogs() {
        String id = submit("daily", "trace-livy-1");
        worker.runOnce();

        JsonNode submitted = app(id);
        assertThat(submitted.get("state").asString()).isEqualTo("SUBMITTED");
        assertThat(submitted.get("backend").get("name").asString()).isEqualTo("livy");
        FakeLivy.View batch = LIVY.batchByName("platy-" + id);
        assertThat(batch.file()).isEqualTo("s3://team-artifacts/jobs/daily.py");
        assertThat(batch.args()).containsExactly("--day", "2026-03-01");
        assertThat(batch.conf()).containsEntry("spark.executor.memory", "4g");

        LIVY.setState(batch.id(), BatchState.RUNNING);
        LIVY.appendStdout(batch.id(), "rows: 10", "rows: 20");
        LIVY.appendStderr(batch.id(), "WARN something");
        watchdog.runOnce();
        JsonNode running = app(id);
        assertThat(running.get("state").asString()).isEqualTo("RUNNING");
        assertThat(running.get("backend").get("applicationId").asString()).startsWith("application_");
        assertThat(running.get("links").get("sparkUi").asString()).contains("/proxy/application_");
        assertThat(running.get("links").get("driverLog").asString()).contains("containerlogs");

        List<String> lines = new ArrayList<>();
        int from = 0;
        while (true) {
            JsonNode page = api.get("/api/v1/apps/" + id + "/logs?from=" + from + "&size=2").body();
            page.get("lines").forEach(l -> lines.add(l.get("stream").asString() + ": " + l.get("text").asString()));
            from = page.get("nextFrom").asInt();
            if (from >= page.get("total").asInt()) {
                break;
            }
        }
        assertThat(lines).containsExactly("stdout: Warning: Skip remote jar s3://team-artifacts/jobs/daily.py.",
                "stdout: rows: 10", "stdout: rows: 20", "stderr: WARN something");

        LIVY.setState(batch.id(), BatchState.SUCCESS);
        watchdog.runOnce();
        assertThat(state(id)).isEqualTo("SUCCEEDED");
        List<String> events = new ArrayList<>();
        api.get("/api/v1/apps/" + id + "/events").body().forEach(e -> events.add(e.get("to").asString()));
        assertThat(events).containsExactly("PENDING", "SUBMITTED", "RUNNING", "SUCCEEDED");

        // One request id, from the caller through the server, the worker's call to Livy and the watchdog.
        assertThat(LIVY.requests()).filteredOn(r -> r.method().equals("POST"))
                .extracting(FakeLivy.Recorded::requestId).containsExactly("trace-livy-1");
        assertThat(logs.list).filteredOn(e -> "trace-livy-1".equals(e.getMDCPropertyMap().get("requestId")))
                .extracting(ILoggingEvent::getLoggerName)
                .contains("io.platyspark.core.app.AppService", "io.platyspark.state");
        assertThat(logs.list).filteredOn(e -> e.getLoggerName().equals("fake-livy"))
                .anyMatch(e -> e.getFormattedMessage().contains("POST /batches -> 201 [X-Request-Id=trace-livy-1]"));
        assertThat(logs.list).filteredOn(e -> e.getLoggerName().equals("io.platyspark.state")
                        && e.getThreadName().equals(Thread.currentThread().getName())
                        && e.getFormattedMessage().contains("RUNNING -> SUCCEEDED"))
                .allMatch(e -> "trace-livy-1".equals(e.getMDCPropertyMap().get("requestId")));
    }

    @Test
    void killDeletesTheBatchAndRecordsKilled() {
        String id = submit("to-kill", null);
        worker.runOnce();
        LIVY.setState(batchId(id), BatchState.RUNNING);
        watchdog.runOnce();

        ApiClient.Response killed = api.delete("/api/v1/apps/" + id);
        watchdog.runOnce();

        assertThat(killed.status()).isEqualTo(200);
        assertThat(state(id)).isEqualTo("KILLED");
        assertThat(LIVY.batchByName("platy-" + id)).as("Livy removes a deleted batch").isNull();
        assertThat(LIVY.deleteCalls()).isEqualTo(1);
    }

    @Test
    void aLivy500DuringSubmitLeavesTheAppRetryableAndItIsSubmittedOnce() {
        String id = submit("retry-me", null);
        LIVY.failNext(1, 500);
        worker.runOnce();

        JsonNode waiting = app(id);
        assertThat(waiting.get("state").asString()).isEqualTo("PENDING");
        assertThat(waiting.get("attempts").asInt()).isEqualTo(1);
        assertThat(waiting.get("stateReason").asString()).contains("500");

        CLOCK.advance(Duration.ofSeconds(6));
        worker.runOnce();

        assertThat(state(id)).isEqualTo("SUBMITTED");
        assertThat(LIVY.batches()).hasSize(1);
    }

    @Test
    void aLivyThatRefusesThePlatformsCredentialsLeavesTheAppRetryable() {
        String id = submit("auth-blip", null);
        LIVY.failNext(1, 403);
        worker.runOnce();

        JsonNode waiting = app(id);
        assertThat(waiting.get("state").asString()).isEqualTo("PENDING");
        assertThat(waiting.get("stateReason").asString()).contains("credentials (403)");

        CLOCK.advance(Duration.ofSeconds(6));
        worker.runOnce();

        assertThat(state(id)).isEqualTo("SUBMITTED");
    }

    @Test
    void logsOfAnAppWhoseClusterEndedAreGoneNotUnavailable() {
        String id = submit("short-lived", null);
        worker.runOnce();
        assertThat(state(id)).isEqualTo("SUBMITTED");
        assertThat(api.get("/api/v1/apps/" + id + "/logs").status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/clusters/" + cluster).status()).isLessThan(300);
        ApiClient.Response gone = api.get("/api/v1/apps/" + id + "/logs");

        assertThat(gone.status()).as(gone.raw()).isEqualTo(410);
        assertThat(gone.body().get("type").asString()).isEqualTo("urn:platyspark:problem:logs-gone");
        assertThat(gone.body().get("detail").asString()).contains("'" + cluster + "'", "TERMINATED");
    }

    @Test
    void aCrashBetweenLivysAcceptAndTheStoresWriteYieldsExactlyOneBatch() {
        String id = submit("crashy", null);
        SparkApp stored = apps.find(UUID.fromString(id)).orElseThrow();
        Cluster target = clusters.findActive(cluster).orElseThrow();
        // The first attempt reached Livy, then the process died before recording the batch.
        livyBackend.submit(target, stored);
        assertThat(state(id)).isEqualTo("PENDING");

        worker.runOnce();

        JsonNode adopted = app(id);
        assertThat(adopted.get("state").asString()).isEqualTo("SUBMITTED");
        assertThat(adopted.get("stateReason").asString()).contains("adopted");
        assertThat(LIVY.createCalls()).isEqualTo(1);
        assertThat(LIVY.batches()).hasSize(1);
    }

    @Test
    void anUnreachableLivyFailsNoAppAndLosesNone() {
        String id = submit("patient", null);
        worker.runOnce();
        LIVY.setState(batchId(id), BatchState.RUNNING);
        watchdog.runOnce();
        double errorsBefore = meters.counter("platy.backend.calls", "backend", "livy", "operation", "status",
                "outcome", "error").count();

        LIVY.dropConnections(true);
        for (int minute = 0; minute < 45; minute++) {
            CLOCK.advance(Duration.ofMinutes(1));
            watchdog.runOnce();
        }
        String waiting = submit("while-down", null);
        worker.runOnce();

        assertThat(state(id)).isEqualTo("RUNNING");
        assertThat(apps.find(UUID.fromString(id)).orElseThrow().unknownSince()).isNull();
        assertThat(state(waiting)).as("submit is retried later, not failed").isEqualTo("PENDING");
        assertThat(meters.counter("platy.backend.calls", "backend", "livy", "operation", "status", "outcome",
                "error").count() - errorsBefore).isEqualTo(45);

        LIVY.dropConnections(false);
        LIVY.setState(batchId(id), BatchState.SUCCESS);
        watchdog.runOnce();
        assertThat(state(id)).isEqualTo("SUCCEEDED");
    }

    @Test
    void afterALivyRestartBatchesAreMatchedByNameAndForgottenAppsBecomeLostOnlyAfterTheInterval() {
        String before = submit("before-restart", null);
        worker.runOnce();
        LIVY.setState(batchId(before), BatchState.RUNNING);
        watchdog.runOnce();
        assertThat(app(before).get("backend").get("id").asString()).isEqualTo("0");

        LIVY.restart();
        String after = submit("after-restart", null);
        worker.runOnce();
        assertThat(batchId(after)).as("ids start again at 0").isZero();
        LIVY.setState(0, BatchState.RUNNING);
        watchdog.runOnce();

        assertThat(state(after)).isEqualTo("RUNNING");
        assertThat(state(before)).as("batch 0 is another app's now").isEqualTo("RUNNING");
        CLOCK.advance(Duration.ofMinutes(9));
        watchdog.runOnce();
        assertThat(state(before)).isEqualTo("RUNNING");

        CLOCK.advance(Duration.ofMinutes(1));
        watchdog.runOnce();
        JsonNode lost = app(before);
        assertThat(lost.get("state").asString()).isEqualTo("LOST");
        assertThat(lost.get("stateReason").asString()).contains("has not known the app for 10m");
        assertThat(state(after)).isEqualTo("RUNNING");
    }

    @Test
    void aCycleReadsAClustersAppsWithOneListCallNotOnePerApp() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(submit("many-" + i, null));
        }
        while (worker.runOnce() > 0) {
            // submit all
        }
        ids.forEach(id -> LIVY.setState(batchId(id), BatchState.RUNNING));
        LIVY.resetCounters();

        watchdog.runOnce();

        assertThat(ids).allMatch(id -> state(id).equals("RUNNING"));
        assertThat(LIVY.listCalls()).isEqualTo(1);
        assertThat(LIVY.getCalls() + LIVY.stateCalls()).isZero();
    }

    @Test
    void aBatchLivyRejectsDuringStartUpFailsTheAppAndIsRemoved() {
        String id = submit("rejected", null);
        LIVY.rejectNextCreate("Queue root.nowhere does not exist");

        worker.runOnce();

        JsonNode failed = app(id);
        assertThat(failed.get("state").asString()).isEqualTo("FAILED");
        assertThat(failed.get("stateReason").asString()).contains("Livy refused the app")
                .contains("Queue root.nowhere does not exist");
        assertThat(LIVY.batchByName("platy-" + id)).as("the stuck batch is deleted").isNull();
    }

    @Test
    void anAppWithRequirementsRunsOnLivyWithItsEnvironmentAsASparkArchive() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "with-deps");
        body.put("team", "data");
        body.put("cluster", cluster);
        body.put("source", "s3://team-artifacts/jobs/with_deps.py");
        body.put("requirements", List.of("tabulate==0.9.0"));
        String id = api.post("/api/v1/apps", body, Map.of()).body().get("id").asString();

        worker.runOnce();
        assertThat(state(id)).isEqualTo("BUILDING_ENV");
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3)).until(() -> {
            CLOCK.advance(Duration.ofSeconds(2));
            worker.runOnce();
            return LIVY.batchByName("platy-" + id) != null;
        });

        Map<String, String> conf = LIVY.batchByName("platy-" + id).conf();
        assertThat(conf.get("spark.archives")).endsWith("/environment.tar.gz#environment");
        assertThat(conf).containsEntry("spark.pyspark.python", "./environment/bin/python")
                .containsEntry("spark.yarn.appMasterEnv.PYSPARK_PYTHON", "./environment/bin/python");
        assertThat(app(id).get("env").get("id").asString()).isNotBlank();
    }
}
