package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.testing.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The API's contract over real HTTP on a real PostgreSQL, with the submission worker off so apps stay where the
 * API put them.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.security.local-source-roots=/opt/apps",
            "platy.submission.enabled=false"
        })
class AppApiContractTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    javax.sql.DataSource dataSource;

    ApiClient api;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        JdbcClient.create(dataSource).sql("delete from apps").update();
    }

    private static Map<String, Object> validApp(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("team", "data");
        body.put("cluster", "local");
        body.put("source", "/opt/apps/" + name + ".py");
        body.put("args", List.of("--day", "2026-01-01"));
        body.put("sparkConf", Map.of("spark.executor.memory", "2g"));
        return body;
    }

    private int storedApps() {
        return JdbcClient.create(dataSource)
                .sql("select count(*) from apps")
                .query(Integer.class)
                .single();
    }

    private void assertFieldProblem(ApiClient.Response response, String field) {
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("type").asString()).isEqualTo("urn:platyspark:problem:invalid-request");
        assertThat(response.body().get("field").asString()).isEqualTo(field);
        assertThat(response.body().get("detail").asString()).startsWith(field + ": ");
        assertThat(response.body().get("requestId").asString()).isEqualTo(response.requestId());
    }

    @Test
    void acceptedAppIsStoredPendingAndEchoesTheRequestId() {
        ApiClient.Response response = api.post("/api/v1/apps", validApp("etl"), Map.of("X-Request-Id", "abc-123"));

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.requestId()).isEqualTo("abc-123");
        JsonNode app = response.body();
        assertThat(app.get("state").asString()).isEqualTo("PENDING");
        assertThat(app.get("requestId").asString()).isEqualTo("abc-123");
        assertThat(app.get("sparkConf").get("spark.executor.memory").asString()).isEqualTo("2g");
        assertThat(api.get("/api/v1/apps/" + app.get("id").asString()).body()).isEqualTo(app);
    }

    @Test
    void missingOrMalformedFieldsAreRefusedNamingTheFieldAndNothingIsStored() {
        Map<String, Object> noName = validApp("etl");
        noName.remove("name");
        Map<String, Object> badTeam = validApp("etl");
        badTeam.put("team", "Data Team!");
        Map<String, Object> relative = validApp("etl");
        relative.put("source", "jobs/etl.py");
        Map<String, Object> unknownCluster = validApp("etl");
        unknownCluster.put("cluster", "nope");
        Map<String, Object> argsNotAList = validApp("etl");
        argsNotAList.put("args", "--day");
        Map<String, Object> typo = validApp("etl");
        typo.put("sparkconf", Map.of());
        Map<String, Object> classForPython = validApp("etl");
        classForPython.put("mainClass", "com.example.Main");
        Map<String, Object> notSparkKey = validApp("etl");
        notSparkKey.put("sparkConf", Map.of("executor.memory", "2g"));

        assertFieldProblem(api.post("/api/v1/apps", noName, Map.of()), "name");
        assertFieldProblem(api.post("/api/v1/apps", badTeam, Map.of()), "team");
        assertFieldProblem(api.post("/api/v1/apps", relative, Map.of()), "source");
        assertFieldProblem(api.post("/api/v1/apps", unknownCluster, Map.of()), "cluster");
        assertFieldProblem(api.post("/api/v1/apps", argsNotAList, Map.of()), "args");
        assertFieldProblem(api.post("/api/v1/apps", typo, Map.of()), "sparkconf");
        assertFieldProblem(api.post("/api/v1/apps", classForPython, Map.of()), "mainClass");
        assertThat(api.post("/api/v1/apps", notSparkKey, Map.of())
                        .body()
                        .get("field")
                        .asString())
                .startsWith("sparkConf");
        ApiClient.Response malformed = api.post("/api/v1/apps", "{\"name\": ", Map.of());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().get("type").asString()).isEqualTo("urn:platyspark:problem:malformed-body");
        assertThat(storedApps()).isZero();
    }

    @Test
    void sameIdempotencyKeyTwiceMakesOneApp() {
        ApiClient.Response first = api.post("/api/v1/apps", validApp("etl"), Map.of("Idempotency-Key", "run-42"));
        ApiClient.Response second = api.post("/api/v1/apps", validApp("etl"), Map.of("Idempotency-Key", "run-42"));
        Map<String, Object> changed = validApp("etl");
        changed.put("args", List.of("--day", "2026-01-02"));
        ApiClient.Response reused = api.post("/api/v1/apps", changed, Map.of("Idempotency-Key", "run-42"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().get("id")).isEqualTo(first.body().get("id"));
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.body().get("existingAppId").asString())
                .isEqualTo(first.body().get("id").asString());
        assertThat(storedApps()).isEqualTo(1);
    }

    @Test
    void platySparkListAppsAgreesWithTheApi() {
        for (int i = 0; i < 3; i++) {
            api.post("/api/v1/apps", validApp("etl-" + i), Map.of());
        }

        JsonNode compat = api.get("/list_apps?cluster_name=local").body();
        JsonNode listed = api.get("/api/v1/apps?cluster=local&limit=500").body();

        assertThat(compat.get("items")).hasSize(3);
        assertThat(compat).isEqualTo(listed);
        assertThat(api.get("/list_apps?cluster_name=other").body().get("items")).isEmpty();
        assertThat(api.get("/list_apps").status()).isEqualTo(400);
    }

    @Test
    void listPagesWithACursorAndFiltersByState() {
        for (int i = 0; i < 5; i++) {
            api.post("/api/v1/apps", validApp("etl-" + i), Map.of());
        }
        List<String> names = new ArrayList<>();
        String path = "/api/v1/apps?limit=2";
        while (path != null) {
            JsonNode page = api.get(path).body();
            page.get("items").forEach(a -> names.add(a.get("name").asString()));
            JsonNode cursor = page.get("nextCursor");
            path = cursor == null || cursor.isNull() ? null : "/api/v1/apps?limit=2&cursor=" + cursor.asString();
        }

        assertThat(names).containsExactly("etl-4", "etl-3", "etl-2", "etl-1", "etl-0");
        assertThat(api.get("/api/v1/apps?state=PENDING").body().get("items")).hasSize(5);
        assertThat(api.get("/api/v1/apps?state=RUNNING,SUCCEEDED").body().get("items"))
                .isEmpty();
        assertFieldProblem(api.get("/api/v1/apps?state=DONE"), "state");
        assertFieldProblem(api.get("/api/v1/apps?limit=0"), "limit");
        assertFieldProblem(api.get("/api/v1/apps?cursor=garbage"), "cursor");
    }

    @Test
    void unknownAppIsNotFoundAndABadIdIsABadRequest() {
        ApiClient.Response missing = api.get("/api/v1/apps/00000000-0000-0000-0000-000000000000");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("type").asString()).isEqualTo("urn:platyspark:problem:app-not-found");
        assertFieldProblem(api.get("/api/v1/apps/not-a-uuid"), "id");
    }

    @Test
    void pendingAppIsKilledWithoutTouchingABackend() {
        String id = api.post("/api/v1/apps", validApp("etl"), Map.of())
                .body()
                .get("id")
                .asString();

        ApiClient.Response killed = api.delete("/api/v1/apps/" + id);

        assertThat(killed.status()).isEqualTo(200);
        assertThat(killed.body().get("state").asString()).isEqualTo("KILLED");
        assertThat(api.get("/api/v1/apps/" + id + "/logs").body().get("lines")).isEmpty();
    }

    @Test
    void clustersListTheLocalCluster() {
        JsonNode clusters = api.get("/api/v1/clusters").body();
        assertThat(clusters).extracting(c -> c.get("name").asString()).containsExactly("local");
        assertThat(api.get("/api/v1/clusters/local").body().get("state").asString())
                .isEqualTo("WAITING");
        assertThat(api.get("/api/v1/clusters/nope").status()).isEqualTo(404);
    }

    @Test
    void operationalEndpointsAnswer() {
        assertThat(api.get("/actuator/health").body().get("status").asString()).isEqualTo("UP");
        assertThat(api.get("/v3/api-docs").body().get("paths").has("/api/v1/apps"))
                .isTrue();
    }
}
