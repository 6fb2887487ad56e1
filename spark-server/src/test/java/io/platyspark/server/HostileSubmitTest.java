package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Submits an outside attacker tried (issue 15): another team's upload spelled so the own-uploads rule missed it,
 * opaque URIs, Spark settings that run code on the platform's hosts, pip options behind a line separator, and
 * credentials in locations that must never come back.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            // As the embedded mode has it: the working directory is an upload root, where file:%2f... used to land.
            "platy.security.local-source-roots=${user.dir}",
            "platy.submission.poll-interval=200ms"
        })
class HostileSubmitTest {

    static final Path ARTIFACTS = Path.of(
            System.getProperty("java.io.tmpdir"),
            "platy-artifacts-hostile-" + ProcessHandle.current().pid());
    static final FakeSparkBackend BACKEND = new FakeSparkBackend();

    @TestConfiguration
    static class Fakes {
        @Bean
        FakeSparkBackend fakeSparkBackend() {
            return BACKEND;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("platy.artifacts.local-dir", ARTIFACTS::toString);
    }

    @LocalServerPort
    int port;

    ApiClient teamA;
    ApiClient teamB;
    ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void setUp() {
        ApiClient admin = new ApiClient(port);
        teamA = admin.as(token(admin, "team-a"));
        teamB = admin.as(token(admin, "team-b"));
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        BACKEND.onSubmit(a -> new BackendSubmission("run-" + a.id(), null, null, false));
    }

    private static String token(ApiClient admin, String team) {
        return admin.post(
                        "/api/v1/admin/tokens", Map.of("name", team + "-" + System.nanoTime(), "team", team), Map.of())
                .body()
                .get("token")
                .asString();
    }

    private static Map<String, Object> app(String source) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "etl");
        body.put("cluster", "local");
        body.put("source", source);
        return body;
    }

    private static void assertRefused(ApiClient.Response response, String field) {
        assertThat(response.status()).as(response.raw()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("field").asString()).as(response.raw()).isEqualTo(field);
    }

    @Test
    void anotherTeamsUploadIsRefusedHoweverItIsSpelled() {
        ApiClient.Response upload =
                teamA.upload("/api/v1/artifacts?name=a.py", "print('team a')".getBytes(StandardCharsets.UTF_8));
        assertThat(upload.status()).as(upload.raw()).isEqualTo(201);
        String uri = upload.body().get("uri").asString();
        Path file = Path.of(java.net.URI.create(uri));
        String sha = upload.body().get("sha256").asString();
        String root = ARTIFACTS.toAbsolutePath().toString();
        String encoded = "file:" + root + "/upload%73/team-a/" + sha + "/a.py";
        assertThat(Files.isRegularFile(file)).isTrue();

        assertRefused(teamB.post("/api/v1/apps", app(encoded), Map.of()), "source");
        assertRefused(
                teamB.post("/api/v1/apps", app(root + "/upload%73/team-a/" + sha + "/%61.py"), Map.of()), "source");
        Map<String, Object> viaPyFiles = app(uri.replace("team-a", "team-b"));
        viaPyFiles.put("pyFiles", List.of(encoded));
        assertRefused(teamB.post("/api/v1/apps", viaPyFiles, Map.of()), "pyFiles[0]");
        Map<String, Object> viaConf = app(uri.replace("team-a", "team-b"));
        viaConf.put("sparkConf", Map.of("spark.submit.pyFiles", encoded));
        assertRefused(teamB.post("/api/v1/apps", viaConf, Map.of()), "sparkConf[spark.submit.pyFiles]");

        // Its own team runs it, and the backend is handed the canonical spelling.
        AtomicReference<SparkApp> received = new AtomicReference<>();
        BACKEND.onSubmit(a -> {
            received.set(a);
            return new BackendSubmission("run-own", null, null, false);
        });
        ApiClient.Response own = teamA.post("/api/v1/apps", app(encoded), Map.of());
        assertThat(own.status()).as(own.raw()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.get() != null);
        assertThat(received.get().source()).isEqualTo(file.toUri().toString().replace("file:///", "file:/"));
    }

    @Test
    void anOpaqueUriIsA400NotARetriedSubmission() {
        assertRefused(teamA.post("/api/v1/apps", app("file:%2fetc%2fpasswd"), Map.of()), "source");
        Map<String, Object> viaPyFiles = app("s3://x/a.py");
        viaPyFiles.put("pyFiles", List.of("file:%2fetc%2fpasswd"));
        assertThat(teamA.post("/api/v1/apps", viaPyFiles, Map.of()).status()).isEqualTo(400);
    }

    @Test
    void sparkSettingsThatRunCodeOnThePlatformsHostsAreRefused() {
        Map<String, String> refused = Map.of(
                "spark.driver.extraJavaOptions",
                "-javaagent:/etc/passwd",
                "spark.pyspark.driver.python",
                "/usr/bin/id",
                "spark.jars.ivySettings",
                "/etc/passwd",
                "spark.jars",
                "local:/etc/passwd",
                "spark.plugins",
                "x.Plugin",
                "spark.yarn.keytab",
                "/etc/k",
                "spark.kubernetes.driver.podTemplateFile",
                "/etc/passwd");
        refused.forEach((key, value) -> {
            Map<String, Object> body = app(ARTIFACTS + "/uploads/team-a/" + "ab".repeat(32) + "/a.py");
            body.put("sparkConf", Map.of(key, value));
            assertRefused(teamA.post("/api/v1/apps", body, Map.of()), "sparkConf[" + key + "]");
        });
        Map<String, Object> tuned = app(ARTIFACTS + "/uploads/team-a/" + "ab".repeat(32) + "/a.py");
        tuned.put(
                "sparkConf",
                Map.of(
                        "spark.executor.memory",
                        "2g",
                        "spark.executor.cores",
                        "2",
                        "spark.sql.shuffle.partitions",
                        "8",
                        "spark.dynamicAllocation.enabled",
                        "true"));
        ApiClient.Response accepted = teamA.post("/api/v1/apps", tuned, Map.of());
        assertThat(accepted.status()).as(accepted.raw()).isEqualTo(202);
    }

    @Test
    void pipOptionsBehindALineSeparatorAreRefused() {
        for (String line : List.of("requests\u001c-rpasswd", "six\u001c--no-index")) {
            Map<String, Object> body = app(ARTIFACTS + "/uploads/team-a/" + "ab".repeat(32) + "/a.py");
            body.put("requirements", List.of(line));
            assertRefused(teamA.post("/api/v1/apps", body, Map.of()), "requirements[0]");
            assertRefused(
                    teamA.post("/api/v1/envs", Map.of("requirements", List.of("tabulate", line)), Map.of()),
                    "requirements[1]");
        }
    }

    @Test
    void credentialsInLocationsNeverLeaveThePlatform() {
        String password = "hunter2-Pw9";
        String source = "hdfs://alice:" + password + "@nn:8020/apps/a.py";
        BACKEND.onSubmit(a -> {
            throw new BackendRejectedException("cannot read " + a.source() + " nor " + a.pyFiles());
        });
        Map<String, Object> body = app(source);
        body.put("pyFiles", List.of("hdfs://bob:" + password + "@nn/apps/dep.zip"));
        ApiClient.Response posted = teamA.post("/api/v1/apps", body, Map.of());
        assertThat(posted.status()).as(posted.raw()).isEqualTo(202);
        String id = posted.body().get("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> teamA.get("/api/v1/apps/" + id)
                        .body()
                        .get("state")
                        .asString()
                        .equals("FAILED"));

        // An error that quotes the input (not a valid URI: a space) quotes it masked.
        Map<String, Object> bad = app(source.replace("/apps/a.py", "/apps/a b.py"));
        ApiClient.Response echoed = teamA.post("/api/v1/apps", bad, Map.of());
        assertThat(echoed.status()).isEqualTo(400);
        assertThat(echoed.body().get("detail").asString()).contains("alice:******@nn");
        List<String> responses = List.of(
                posted.raw(),
                teamA.get("/api/v1/apps/" + id).raw(),
                teamA.get("/api/v1/apps?cluster=local").raw(),
                teamA.get("/api/v1/apps/" + id + "/events").raw(),
                echoed.raw());
        assertThat(responses).allSatisfy(r -> assertThat(r).doesNotContain(password));
        assertThat(posted.body().get("source").asString()).isEqualTo("hdfs://alice:******@nn:8020/apps/a.py");
        assertThat(teamA.get("/api/v1/apps/" + id + "/events").raw()).contains("alice:******@nn");
        assertThat(logs.list)
                .anyMatch(e -> e.getLoggerName().equals("io.platyspark.state")
                        && e.getFormattedMessage().contains("FAILED"));
        assertThat(logs.list)
                .allSatisfy(e -> assertThat(e.getFormattedMessage() + e.getKeyValuePairs())
                        .doesNotContain(password));
    }
}
