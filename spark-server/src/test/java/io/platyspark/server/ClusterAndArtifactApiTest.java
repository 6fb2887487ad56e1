package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Clusters through the API (register by Livy URL, create, terminate) and artifact uploads. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.security.allowed-livy-hosts=livy.internal,10.20.0.0/16",
            "platy.artifacts.max-upload-size=1KB",
            "platy.links.app-dashboard=https://grafana.example/d/platy-app?var-app={appId}&var-team={team}"
        })
class ClusterAndArtifactApiTest {

    @TestConfiguration
    static class Fakes {
        @Bean
        FakeSparkBackend fakeSparkBackend() {
            return new FakeSparkBackend();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add(
                "platy.artifacts.local-dir",
                () -> System.getProperty("java.io.tmpdir") + "/platy-artifacts-"
                        + ProcessHandle.current().pid());
    }

    @LocalServerPort
    int port;

    ApiClient admin;
    ApiClient teamA;
    ApiClient teamB;

    @BeforeEach
    void setUp() {
        admin = new ApiClient(port);
        teamA = admin.as(token("team-a"));
        teamB = admin.as(token("team-b"));
    }

    private String token(String team) {
        ApiClient.Response issued = admin.post(
                "/api/v1/admin/tokens", Map.of("name", team + "-" + System.nanoTime(), "team", team), Map.of());
        return issued.body().get("token").asString();
    }

    private static Map<String, Object> cluster(String name, String kind, String livyUrl) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("kind", kind);
        if (livyUrl != null) {
            body.put("livyUrl", livyUrl);
        }
        return body;
    }

    @Test
    void aTeamRegistersAnExistingClusterByLivyUrlAndOthersCannotSeeIt() {
        ApiClient.Response created =
                teamA.post("/api/v1/clusters", cluster("onprem", "DEDICATED", "http://livy.internal:8998"), Map.of());
        ApiClient.Response again =
                teamA.post("/api/v1/clusters", cluster("onprem", "DEDICATED", "http://livy.internal:8998"), Map.of());

        assertThat(created.status()).as(created.raw()).isEqualTo(202);
        assertThat(created.body().get("state").asString()).isEqualTo("WAITING");
        assertThat(created.body().get("team").asString()).isEqualTo("team-a");
        assertThat(created.body().get("managed").asBoolean()).isFalse();
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("id").asString())
                .isEqualTo(created.body().get("id").asString());
        assertThat(teamB.get("/api/v1/clusters/onprem").status()).isEqualTo(404);
        ApiClient.Response taken =
                teamB.post("/api/v1/clusters", cluster("onprem", "DEDICATED", "http://livy.internal:8998"), Map.of());
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.body().get("type").asString()).isEqualTo("urn:platyspark:problem:cluster-name-taken");

        ApiClient.Response terminated = teamA.delete("/api/v1/clusters/onprem");
        assertThat(terminated.status()).isEqualTo(202);
        assertThat(terminated.body().get("state").asString()).isEqualTo("TERMINATED");
        ApiClient.Response ended = teamA.get("/api/v1/clusters/onprem");
        assertThat(ended.status())
                .as("an ended cluster stays visible until retention")
                .isEqualTo(200);
        assertThat(ended.body().get("state").asString()).isEqualTo("TERMINATED");
        String reason = ended.body().get("stateReason").asString();
        ApiClient.Response terminateAgain = teamA.delete("/api/v1/clusters/onprem");
        assertThat(terminateAgain.status())
                .as("only an active cluster is terminated")
                .isEqualTo(404);
        assertThat(terminateAgain.body().get("detail").asString()).contains("the last one is TERMINATED");
        assertThat(teamA.get("/api/v1/clusters/onprem")
                        .body()
                        .get("stateReason")
                        .asString())
                .as("the ended record keeps its reason")
                .isEqualTo(reason);
        assertThat(teamB.get("/api/v1/clusters/onprem").status()).isEqualTo(404);
        assertThat(teamA.get("/api/v1/clusters").body().toString()).doesNotContain("onprem");
    }

    @Test
    void livyUrlsOutsideTheAllowListAreRefusedAndNothingIsRecorded() {
        for (String url : new String[] {
            "http://169.254.169.254:8998",
            "http://evil.example:8998",
            "http://user:pw@livy.internal:8998",
            "ftp://livy.internal"
        }) {
            ApiClient.Response refused = teamA.post("/api/v1/clusters", cluster("sneaky", "DEDICATED", url), Map.of());
            assertThat(refused.status()).as(url).isEqualTo(400);
            assertThat(refused.body().get("field").asString()).isEqualTo("livyUrl");
        }
        assertThat(teamA.post("/api/v1/clusters", cluster("cidr", "DEV", "http://10.20.3.4:8998"), Map.of())
                        .status())
                .as("inside an allowed CIDR")
                .isEqualTo(202);
        assertThat(teamA.get("/api/v1/clusters/sneaky").status()).isEqualTo(404);
    }

    @Test
    void creatingClustersWithoutAProviderOrRightsIsAClearError() {
        Map<String, Object> withConfig = cluster("etl", "DEDICATED", null);
        withConfig.put("config", Map.of("name", "etl", "tags", Map.of("team", "team-a")));
        ApiClient.Response noProvider = teamA.post("/api/v1/clusters", withConfig, Map.of());
        ApiClient.Response shared =
                teamA.post("/api/v1/clusters", cluster("everyone", "SHARED", "http://livy.internal:8998"), Map.of());
        ApiClient.Response badKind = teamA.post("/api/v1/clusters", cluster("x", "HUGE", null), Map.of());
        ApiClient.Response local = admin.delete("/api/v1/clusters/local");

        assertThat(noProvider.status()).isEqualTo(400);
        assertThat(noProvider.body().get("field").asString()).isEqualTo("config");
        assertThat(noProvider.body().get("detail").asString()).contains("livyUrl");
        assertThat(shared.status()).isEqualTo(403);
        assertThat(shared.body().get("field").asString()).isEqualTo("kind");
        assertThat(badKind.status()).isEqualTo(400);
        assertThat(badKind.body().get("field").asString()).isEqualTo("kind");
        assertThat(local.status()).isEqualTo(409);
        assertThat(admin.get("/api/v1/clusters/local").body().get("state").asString())
                .isEqualTo("WAITING");
    }

    @Test
    void uploadsAreContentAddressedPerTeamAndUsableAsSources() {
        byte[] script = "print('hello')\n".getBytes(StandardCharsets.UTF_8);
        ApiClient.Response first = teamA.upload("/api/v1/artifacts?name=hello.py", script);
        ApiClient.Response second = teamA.upload("/api/v1/artifacts?name=hello.py", script);

        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        assertThat(first.body().get("alreadyPresent").asBoolean()).isFalse();
        assertThat(first.body().get("key").asString())
                .startsWith("uploads/team-a/")
                .endsWith("/hello.py");
        assertThat(second.body().get("uri").asString())
                .isEqualTo(first.body().get("uri").asString());
        assertThat(second.body().get("alreadyPresent").asBoolean()).isTrue();

        Map<String, Object> app = new HashMap<>();
        app.put("name", "hello");
        app.put("cluster", "local");
        app.put("source", first.body().get("uri").asString());
        ApiClient.Response submitted = teamA.post("/api/v1/apps", app, Map.of());
        assertThat(submitted.status()).as(submitted.raw()).isEqualTo(202);
        assertThat(submitted.body().get("links").get("dashboard").asString())
                .isEqualTo("https://grafana.example/d/platy-app?var-app="
                        + submitted.body().get("id").asString() + "&var-team=team-a");
    }

    @Test
    void badUploadsAreRefused() {
        ApiClient.Response badName = teamA.upload("/api/v1/artifacts?name=../../etc/passwd", new byte[] {1});
        ApiClient.Response empty = teamA.upload("/api/v1/artifacts?name=empty.py", new byte[0]);
        ApiClient.Response tooBig = teamA.upload("/api/v1/artifacts?name=big.py", new byte[2048]);
        ApiClient.Response anonymous = teamA.as(null).upload("/api/v1/artifacts?name=a.py", new byte[] {1});

        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.body().get("field").asString()).isEqualTo("name");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.body().get("detail").asString()).contains("platy.artifacts.max-upload-size");
        assertThat(anonymous.status()).isEqualTo(401);
    }
}
