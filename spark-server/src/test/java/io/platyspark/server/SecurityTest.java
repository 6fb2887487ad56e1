package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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

/** Who may call, what each team sees, what never leaves the platform, and what input is refused. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.security.local-source-roots=/opt/apps",
            "platy.security.allowed-buckets=team-artifacts",
            "platy.security.max-request-size=64KB",
            "platy.security.yarn-queue-prefix=root.teams.",
            "platy.submission.poll-interval=200ms"
        })
class SecurityTest {

    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static final FakeSparkBackend BACKEND = new FakeSparkBackend();

    @TestConfiguration
    static class Fakes {

        @Bean
        MutableClock clock() {
            return CLOCK;
        }

        @Bean
        FakeSparkBackend fakeSparkBackend() {
            return BACKEND;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ClusterStore clusters;

    ApiClient admin;
    ApiClient teamA;
    ApiClient teamB;
    ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void setUp() {
        admin = new ApiClient(port);
        teamA = admin.as(issueToken("team-a", 30));
        teamB = admin.as(issueToken("team-b", 30));
        clusters.getOrCreate(
                new NewCluster("a-dedicated", ClusterKind.DEDICATED, "team-a", null, null, ClusterState.WAITING));
        clusters.getOrCreate(new NewCluster("shared", ClusterKind.SHARED, null, null, null, ClusterState.WAITING));
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private String issueToken(String team, int ttlDays) {
        String name = team + "-" + System.nanoTime();
        ApiClient.Response issued =
                admin.post("/api/v1/admin/tokens", Map.of("name", name, "team", team, "ttlDays", ttlDays), Map.of());
        assertThat(issued.status()).as(issued.raw()).isEqualTo(201);
        return issued.body().get("token").asString();
    }

    private static Map<String, Object> app(String cluster) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "etl");
        body.put("cluster", cluster);
        body.put("source", "/opt/apps/etl.py");
        return body;
    }

    @Test
    void noTokenOrABadOneIsUnauthenticated() {
        ApiClient.Response none = admin.as(null).get("/api/v1/apps");
        ApiClient.Response bad = admin.as("platy_not-a-real-token").post("/api/v1/apps", app("local"), Map.of());

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.body().get("type").asString()).isEqualTo("urn:platyspark:problem:unauthenticated");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(admin.as(null).get("/actuator/health").status())
                .as("probes stay open")
                .isEqualTo(200);
    }

    @Test
    void expiredAndRevokedTokensStopWorking() {
        String shortLived = issueToken("team-a", 1);
        assertThat(admin.as(shortLived).get("/api/v1/apps").status()).isEqualTo(200);
        CLOCK.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(admin.as(shortLived).get("/api/v1/apps").status()).isEqualTo(401);

        String name = "revoke-me-" + System.nanoTime();
        JsonNode issued = admin.post("/api/v1/admin/tokens", Map.of("name", name, "team", "team-a"), Map.of())
                .body();
        String secret = issued.get("token").asString();
        assertThat(admin.as(secret).get("/api/v1/apps").status()).isEqualTo(200);
        assertThat(admin.delete("/api/v1/admin/tokens/" + issued.get("id").asString())
                        .status())
                .isEqualTo(204);
        assertThat(admin.as(secret).get("/api/v1/apps").status()).isEqualTo(401);
        assertThat(admin.get("/api/v1/admin/tokens").raw())
                .doesNotContain(secret)
                .contains(name);
    }

    @Test
    void adminEndpointsRefuseTeamTokens() {
        ApiClient.Response issue =
                teamA.post("/api/v1/admin/tokens", Map.of("name", "sneaky", "admin", true), Map.of());
        ApiClient.Response audit = teamA.get("/api/v1/admin/audit");

        assertThat(issue.status()).isEqualTo(403);
        assertThat(issue.body().get("type").asString()).isEqualTo("urn:platyspark:problem:forbidden");
        assertThat(audit.status()).isEqualTo(403);
    }

    @Test
    void aTeamCannotSeeOrTouchAnotherTeamsApps() {
        JsonNode mine = teamA.post("/api/v1/apps", app("local"), Map.of()).body();
        String id = mine.get("id").asString();
        assertThat(mine.get("team").asString())
                .as("the token's team by default")
                .isEqualTo("team-a");

        assertThat(teamB.get("/api/v1/apps/" + id).status()).isEqualTo(404);
        assertThat(teamB.get("/api/v1/apps/" + id + "/logs").status()).isEqualTo(404);
        assertThat(teamB.get("/api/v1/apps/" + id + "/events").status()).isEqualTo(404);
        assertThat(teamB.delete("/api/v1/apps/" + id).status()).isEqualTo(404);
        assertThat(teamB.get("/api/v1/apps").body().get("items").toString()).doesNotContain(id);
        assertThat(teamB.get("/list_apps?cluster_name=local")
                        .body()
                        .get("items")
                        .toString())
                .doesNotContain(id);
        ApiClient.Response otherTeamsList = teamB.get("/api/v1/apps?team=team-a");
        assertThat(otherTeamsList.status()).isEqualTo(403);
        assertThat(otherTeamsList.body().get("field").asString()).isEqualTo("team");
        Map<String, Object> forA = app("local");
        forA.put("team", "team-a");
        assertThat(teamB.post("/api/v1/apps", forA, Map.of()).status()).isEqualTo(403);
        assertThat(teamB.post("/api/v1/apps", app("a-dedicated"), Map.of())
                        .body()
                        .get("field")
                        .asString())
                .isEqualTo("cluster");
        assertThat(teamB.get("/api/v1/clusters").body().toString()).doesNotContain("a-dedicated");

        JsonNode after = teamA.get("/api/v1/apps/" + id).body();
        assertThat(after.get("state").asString()).isNotEqualTo("KILLED");
        assertThat(admin.get("/api/v1/apps/" + id).status())
                .as("admins see all")
                .isEqualTo(200);
    }

    @Test
    void onTheSharedClusterEachAppRunsInItsTeamsQueue() {
        Map<String, Object> body = app("shared");
        body.put("sparkConf", Map.of("spark.yarn.queue", "root.someone-elses"));

        JsonNode app = teamB.post("/api/v1/apps", body, Map.of()).body();

        assertThat(app.get("sparkConf").get("spark.yarn.queue").asString()).isEqualTo("root.teams.team-b");
    }

    @Test
    void secretsReachTheBackendButNeverLeaveThePlatform() {
        String s3Secret = "S3CR3T-abc123xyz";
        String dbPassword = "Pa55word-q9w8e7";
        AtomicReference<Map<String, String>> received = new AtomicReference<>();
        BACKEND.onSubmit(a -> {
            received.set(a.sparkConf());
            return new BackendSubmission("run-1", null, null, false);
        });
        Map<String, Object> body = app("a-dedicated");
        body.put(
                "sparkConf",
                Map.of(
                        "spark.hadoop.fs.s3a.secret.key",
                        s3Secret,
                        "spark.jdbc.url",
                        "jdbc:postgresql://db:5432/sales?user=etl&password=" + dbPassword,
                        "spark.executor.memory",
                        "2g"));
        body.put("args", List.of("--db-password", dbPassword, "--day=2026-01-01"));

        ApiClient.Response posted = teamA.post("/api/v1/apps", body, Map.of());
        String id = posted.body().get("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> received.get() != null);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> teamA.get("/api/v1/apps/" + id)
                        .body()
                        .get("state")
                        .asString()
                        .equals("SUBMITTED"));

        List<String> responses = List.of(
                posted.raw(),
                teamA.get("/api/v1/apps/" + id).raw(),
                teamA.get("/api/v1/apps?cluster=a-dedicated").raw(),
                teamA.get("/list_apps?cluster_name=a-dedicated").raw(),
                teamA.get("/api/v1/apps/" + id + "/events").raw(),
                admin.get("/api/v1/admin/audit").raw());
        assertThat(responses)
                .allSatisfy(r -> assertThat(r).doesNotContain(s3Secret).doesNotContain(dbPassword));
        assertThat(posted.body()
                        .get("sparkConf")
                        .get("spark.hadoop.fs.s3a.secret.key")
                        .asString())
                .isEqualTo("******");
        assertThat(posted.body().get("sparkConf").get("spark.executor.memory").asString())
                .isEqualTo("2g");
        assertThat(logs.list)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getFormattedMessage())
                        .doesNotContain(s3Secret)
                        .doesNotContain(dbPassword));

        assertThat(received.get())
                .containsEntry("spark.hadoop.fs.s3a.secret.key", s3Secret)
                .containsEntry("spark.jdbc.url", "jdbc:postgresql://db:5432/sales?user=etl&password=" + dbPassword);
    }

    @Test
    void untrustedInputIsRefusedNamingTheField() {
        Map<String, Object> traversal = app("local");
        traversal.put("source", "/opt/apps/../../etc/passwd");
        Map<String, Object> outside = app("local");
        outside.put("source", "/etc/passwd");
        Map<String, Object> bucket = app("local");
        bucket.put("source", "s3://someone-elses-bucket/app.py");
        Map<String, Object> scheme = app("local");
        scheme.put("source", "http://169.254.169.254/latest/meta-data");
        Map<String, Object> allowed = app("local");
        allowed.put("source", "s3://team-artifacts/app.py");

        for (Map<String, Object> bad : List.of(traversal, outside, bucket, scheme)) {
            ApiClient.Response refused = teamA.post("/api/v1/apps", bad, Map.of());
            assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
            assertThat(refused.body().get("field").asString()).isEqualTo("source");
        }
        assertThat(teamA.post("/api/v1/apps", allowed, Map.of()).status()).isEqualTo(202);

        // Ways around those checks, and values that must be refused as bad input rather than fail the store.
        String sha = "ab".repeat(32);
        Map<String, Map<String, Object>> sneaky = new java.util.LinkedHashMap<>();
        sneaky.put("requirements[0]", withField("requirements", List.of("-r /etc/passwd")));
        sneaky.put(
                "sparkConf[spark.submit.pyFiles]",
                withField("sparkConf", Map.of("spark.submit.pyFiles", "s3://someone-elses-bucket/x.py")));
        sneaky.put("sparkConf[spark.jars]", withField("sparkConf", Map.of("spark.jars", "file:/etc/passwd")));
        sneaky.put("source", withField("source", "s3://team-artifacts/platyspark/uploads/team-b/" + sha + "/b.py"));
        sneaky.put(
                "sparkConf[spark.app.secret]",
                withField("sparkConf", Map.of("spark.app.secret", "LEAKED-S3-SECRET\u0000")));
        sneaky.put("args[0]", withField("args", java.util.Arrays.asList((String) null)));
        sneaky.put("sparkConf[spark.x]", withField("sparkConf", java.util.Collections.singletonMap("spark.x", null)));
        sneaky.forEach((field, body) -> {
            ApiClient.Response refused = teamA.post("/api/v1/apps", body, Map.of());
            assertThat(refused.status()).as(field + ": " + refused.raw()).isEqualTo(400);
            assertThat(refused.body().get("field").asString()).as(refused.raw()).isEqualTo(field);
            assertThat(refused.raw()).doesNotContain("LEAKED-S3-SECRET");
        });
        for (String spelling : List.of(
                "s3://team-artifacts/platyspark/uploads/team-b/" + sha + "//b.py",
                "/opt/apps/uploads/team-b/" + sha + "/./b.py")) {
            ApiClient.Response refused = teamA.post("/api/v1/apps", withField("source", spelling), Map.of());
            assertThat(refused.status()).as(spelling + ": " + refused.raw()).isEqualTo(400);
            assertThat(refused.body().get("detail").asString()).contains("upload of team 'team-b'");
        }
        ApiClient.Response pipOption =
                teamA.post("/api/v1/envs", Map.of("requirements", List.of("-r /etc/passwd")), Map.of());
        assertThat(pipOption.status()).as(pipOption.raw()).isEqualTo(400);
        assertThat(pipOption.body().get("field").asString()).isEqualTo("requirements[0]");
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("LEAKED-S3-SECRET"));

        Map<String, Object> huge = app("local");
        huge.put("args", List.of("x".repeat(70_000)));
        ApiClient.Response tooLarge = teamA.post("/api/v1/apps", huge, Map.of());
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body().get("type").asString()).isEqualTo("urn:platyspark:problem:body-too-large");
    }

    private Map<String, Object> withField(String field, Object value) {
        Map<String, Object> body = app("local");
        body.put(field, value);
        return body;
    }

    @Test
    void everyMutatingCallIsAudited() {
        String id = teamA.post("/api/v1/apps", app("local"), Map.of("X-Request-Id", "audit-me-1"))
                .body()
                .get("id")
                .asString();
        teamA.delete("/api/v1/apps/" + id);
        admin.as(null).post("/api/v1/apps", app("local"), Map.of("X-Request-Id", "audit-anon-1"));
        teamA.get("/api/v1/apps");

        JsonNode entries = admin.get("/api/v1/admin/audit?limit=50").body();
        List<JsonNode> list = new java.util.ArrayList<>();
        entries.forEach(list::add);

        assertThat(list).anySatisfy(e -> {
            assertThat(e.get("requestId").asString()).isEqualTo("audit-me-1");
            assertThat(e.get("method").asString()).isEqualTo("POST");
            assertThat(e.get("team").asString()).isEqualTo("team-a");
            assertThat(e.get("actor").asString()).startsWith("team-a-");
            assertThat(e.get("status").asInt()).isEqualTo(202);
        });
        assertThat(list).anySatisfy(e -> {
            assertThat(e.get("method").asString()).isEqualTo("DELETE");
            assertThat(e.get("path").asString()).isEqualTo("/api/v1/apps/" + id);
            assertThat(e.get("status").asInt()).isEqualTo(200);
        });
        assertThat(list).anySatisfy(e -> {
            assertThat(e.get("requestId").asString()).isEqualTo("audit-anon-1");
            assertThat(e.get("actor").asString()).isEqualTo("anonymous");
            assertThat(e.get("status").asInt()).isEqualTo(401);
        });
        assertThat(list).noneSatisfy(e -> assertThat(e.get("method").asString()).isEqualTo("GET"));
    }
}
