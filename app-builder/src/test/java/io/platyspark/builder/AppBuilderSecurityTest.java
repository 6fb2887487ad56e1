package io.platyspark.builder;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.env.web.EnvApiConformance;
import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * app-builder's API behind the same Spring Security setup as spark-server (core's ApiSecurity): spellings of the
 * path that a raw-URI prefix check missed are refused or authenticated, bodies are limited and strict.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "platy.security.max-request-size=16KB")
class AppBuilderSecurityTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("platy.env.python", () -> System.getProperty("platy.test.python", "python3"));
        registry.add("platy.env.work-dir", () -> "target/envs-security");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiTokenService tokens;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void otherSpellingsOfTheApiPathAreNotAWayIn() throws Exception {
        String id = UUID.randomUUID().toString();
        // Each used to reach the controller without a token: the old filter checked the raw URI for "/api/".
        for (String path : new String[] {
            "/%61pi/v1/envs/" + id,
            "/api;x=1/v1/envs/" + id,
            "/API/v1/envs/" + id,
            "/./api/v1/envs/" + id,
            "/api/v1/envs/" + id
        }) {
            HttpResponse<String> anonymous = get(path, null);
            assertThat(anonymous.statusCode())
                    .as(path + ": " + anonymous.body())
                    .isIn(400, 401);
            assertThat(anonymous.headers().firstValue("Content-Type").orElse(""))
                    .as(path)
                    .startsWith("application/problem+json");
            assertThat(anonymous.body()).as(path).doesNotContain("no environment build");
        }
        assertThat(get("/actuator/health/readiness", null).statusCode())
                .as("probes stay open")
                .isEqualTo(200);
    }

    @Test
    void aValidTokenGetsInAndBodiesAreLimitedAndStrict() throws Exception {
        String token = tokens.issue("svc-" + System.nanoTime(), "data", false, Duration.ofDays(1), "test")
                .secret();
        HttpResponse<String> unknown = get("/api/v1/envs/" + UUID.randomUUID(), token);
        HttpResponse<String> typo = post("/api/v1/envs", token, "{\"requirement\":[\"six==1.16.0\"]}");
        HttpResponse<String> huge = post("/api/v1/envs", token, "{\"requirements\":[\"" + "a".repeat(20_000) + "\"]}");

        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(typo.statusCode()).as(typo.body()).isEqualTo(400);
        assertThat(typo.body()).contains("requirement");
        assertThat(huge.statusCode()).as(huge.body()).isEqualTo(413);
        assertThat(huge.body()).contains("urn:platyspark:problem:body-too-large");
    }

    @Test
    void badEnvRequestsGetTheProblemsSparkServerGives() throws Exception {
        // The same cases as spark-server's EnvApiConformanceTest: one controller and one set of refusals.
        String token = tokens.issue("conform-" + System.nanoTime(), "data", false, Duration.ofDays(1), "test")
                .secret();
        EnvApiConformance.check(port, token);
    }
}
