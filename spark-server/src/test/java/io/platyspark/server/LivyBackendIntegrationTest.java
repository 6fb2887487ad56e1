package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.platyspark.livy.BatchState;
import io.platyspark.livy.fake.FakeLivy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The Livy scenarios ({@link LivyBackendScenarios}) against the faithful fake Livy, plus the scenarios only a fake
 * can play (fault injection, restarts, call counting): Livy failing during submit, refusing the platform's
 * credentials, rejecting a batch inside start-up, an unreachable Livy, a Livy restart, the number of Livy calls a
 * watchdog cycle makes, request ids reaching Livy, and an environment shipped as a Spark archive. Time is a
 * settable clock.
 */
class LivyBackendIntegrationTest extends LivyBackendScenarios {

    static final String ARTIFACTS = System.getProperty("java.io.tmpdir") + "/platy-livy-it-" + UUID.randomUUID();
    static final FakeLivy LIVY = new FakeLivy().localDirWhitelist(ARTIFACTS);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        register(registry, Path.of(ARTIFACTS));
    }

    @AfterAll
    static void stopLivy() {
        LIVY.close();
    }

    ListAppender<ILoggingEvent> logs;

    @Override
    String livyUrl() {
        return LIVY.url();
    }

    @Override
    String source(Job job) {
        return "s3://team-artifacts/jobs/" + job.name().toLowerCase(java.util.Locale.ROOT) + ".py";
    }

    @Override
    void play(String appId, Job job) {
        long batch = batchId(appId);
        switch (job) {
            case PRINTS_LINES -> {
                LIVY.setState(batch, BatchState.RUNNING);
                for (int i = 1; i <= 30; i++) {
                    LIVY.appendStdout(batch, "line " + i);
                }
                LIVY.appendStderr(batch, "done");
                LIVY.setState(batch, BatchState.SUCCESS);
            }
            case DIVIDES_BY_ZERO -> {
                // As real Livy showed it: the traceback, then Spark's shutdown lines, all in the stdout section.
                LIVY.setState(batch, BatchState.RUNNING);
                LIVY.appendStdout(batch, "rows: 3");
                LIVY.appendStderr(
                        batch,
                        "Traceback (most recent call last):",
                        "  File \"/srv/jobs/divides_by_zero.py\", line 5, in <module>",
                        "    1 / 0",
                        "    ~~^~~",
                        "ZeroDivisionError: division by zero",
                        "26/03/01 08:00:10 INFO SparkContext: Invoking stop() from shutdown hook",
                        "26/03/01 08:00:10 INFO SparkContext: SparkContext is stopping with exitCode 0.",
                        "26/03/01 08:00:10 INFO SparkUI: Stopped Spark web UI at http://10.0.0.5:4040",
                        "26/03/01 08:00:10 INFO MapOutputTrackerMasterEndpoint: MapOutputTrackerMasterEndpoint "
                                + "stopped!",
                        "26/03/01 08:00:10 INFO MemoryStore: MemoryStore cleared",
                        "26/03/01 08:00:10 INFO BlockManager: BlockManager stopped",
                        "26/03/01 08:00:10 INFO BlockManagerMaster: BlockManagerMaster stopped",
                        "26/03/01 08:00:10 INFO SparkContext: Successfully stopped SparkContext",
                        "26/03/01 08:00:10 INFO ShutdownHookManager: Shutdown hook called",
                        "26/03/01 08:00:10 INFO ShutdownHookManager: Deleting directory /tmp/spark-1a2b/pyspark-3c4d",
                        "26/03/01 08:00:10 INFO ShutdownHookManager: Deleting directory /tmp/spark-1a2b");
                LIVY.setState(batch, BatchState.DEAD);
            }
            case RUNS_LONG -> LIVY.setState(batch, BatchState.RUNNING);
        }
    }

    @Override
    void letLivyPurgeFinishedBatches() {
        // Livy's default retention (600 s), then its next minute's check.
        CLOCK.advance(Duration.ofSeconds(600 + 60));
    }

    @BeforeEach
    void setUpFake() {
        LIVY.restart();
        LIVY.resetCounters();
        LIVY.dropConnections(false);
        LIVY.clock(CLOCK);
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private String submit(String name, String requestId) {
        return submit(name, "s3://team-artifacts/jobs/" + name + ".py", requestId);
    }

    private long batchId(String id) {
        return LIVY.batchByName("platy-" + id).id();
    }

    // ---- fake only: fault injection, restarts, call counts, YARN links (tagged fake-only) -----------------------

    @Test
    @Tag("fake-only")
    void anAppGoesPendingSubmittedRunningSucceededWithLinksAndPagedLogs() {
        String id = submit("daily", "trace-livy-1");
        worker.runOnce();

        JsonNode submitted = app(id);
        assertThat(submitted.get("state").asString()).isEqualTo("SUBMITTED");
        assertThat(submitted.get("backend").get("name").asString()).isEqualTo("livy");
        FakeLivy.View batch = LIVY.batchByName("platy-" + id);
        assertThat(batch.file()).isEqualTo("s3://team-artifacts/jobs/daily.py");
        assertThat(batch.args()).containsExactly("--day", "2026-03-01");
        assertThat(batch.conf()).containsEntry("spark.executor.memory", "1g");

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
            JsonNode page = api.get("/api/v1/apps/" + id + "/logs?from=" + from + "&size=2")
                    .body();
            page.get("lines")
                    .forEach(l -> lines.add(
                            l.get("stream").asString() + ": " + l.get("text").asString()));
            from = page.get("nextFrom").asInt();
            if (from >= page.get("total").asInt()) {
                break;
            }
        }
        assertThat(lines)
                .containsExactly(
                        "stdout: Warning: Skip remote jar s3://team-artifacts/jobs/daily.py.",
                        "stdout: rows: 10",
                        "stdout: rows: 20",
                        "stdout: WARN something");

        LIVY.setState(batch.id(), BatchState.SUCCESS);
        watchdog.runOnce();
        assertThat(state(id)).isEqualTo("SUCCEEDED");
        List<String> events = new ArrayList<>();
        api.get("/api/v1/apps/" + id + "/events").body().forEach(e -> {
            if (!e.get("from").equals(e.get("to"))) {
                events.add(e.get("to").asString());
            }
        });
        assertThat(events).containsExactly("PENDING", "SUBMITTED", "RUNNING", "SUCCEEDED");

        // One request id, from the caller through the server, the worker's call to Livy and the watchdog.
        assertThat(LIVY.requests())
                .filteredOn(r -> r.method().equals("POST"))
                .extracting(FakeLivy.Recorded::requestId)
                .containsExactly("trace-livy-1");
        assertThat(logs.list)
                .filteredOn(e -> "trace-livy-1".equals(e.getMDCPropertyMap().get("requestId")))
                .extracting(ILoggingEvent::getLoggerName)
                .contains("io.platyspark.core.service.AppService", "io.platyspark.state");
        assertThat(logs.list)
                .filteredOn(e -> e.getLoggerName().equals("fake-livy"))
                .anyMatch(e -> e.getFormattedMessage().contains("POST /batches -> 201 [X-Request-Id=trace-livy-1]"));
        assertThat(logs.list)
                .filteredOn(e -> e.getLoggerName().equals("io.platyspark.state")
                        && e.getThreadName().equals(Thread.currentThread().getName())
                        && e.getFormattedMessage().contains("RUNNING -> SUCCEEDED"))
                .allMatch(e -> "trace-livy-1".equals(e.getMDCPropertyMap().get("requestId")));
    }

    @Test
    @Tag("fake-only")
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
    @Tag("fake-only")
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
    @Tag("fake-only")
    void anUnreachableLivyFailsNoAppAndLosesNone() {
        String id = submit("patient", null);
        worker.runOnce();
        LIVY.setState(batchId(id), BatchState.RUNNING);
        watchdog.runOnce();
        double errorsBefore = meters.counter(
                        "platy.backend.calls", "backend", "livy", "operation", "status", "outcome", "error")
                .count();

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
        assertThat(meters.counter("platy.backend.calls", "backend", "livy", "operation", "status", "outcome", "error")
                                .count()
                        - errorsBefore)
                .isEqualTo(45);

        LIVY.dropConnections(false);
        LIVY.setState(batchId(id), BatchState.SUCCESS);
        watchdog.runOnce();
        assertThat(state(id)).isEqualTo("SUCCEEDED");
    }

    @Test
    @Tag("fake-only")
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
    @Tag("fake-only")
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
    @Tag("fake-only")
    void aBatchLivyRejectsDuringStartUpFailsTheAppAndIsRemoved() {
        String id = submit("rejected", null);
        LIVY.rejectNextCreate("Queue root.nowhere does not exist");

        worker.runOnce();

        JsonNode failed = app(id);
        assertThat(failed.get("state").asString()).isEqualTo("FAILED");
        assertThat(failed.get("stateReason").asString())
                .contains("Livy refused the app")
                .contains("Queue root.nowhere does not exist");
        assertThat(LIVY.batchByName("platy-" + id))
                .as("the stuck batch is deleted")
                .isNull();
    }

    @Test
    @Tag("fake-only")
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
        assertThat(conf)
                .containsEntry("spark.pyspark.python", "./environment/bin/python")
                .containsEntry("spark.yarn.appMasterEnv.PYSPARK_PYTHON", "./environment/bin/python");
        assertThat(app(id).get("env").get("id").asString()).isNotBlank();
    }
}
