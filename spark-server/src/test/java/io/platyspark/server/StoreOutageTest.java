package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.testing.StoppablePostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database goes away under a running server (its PostgreSQL is stopped, then started again): every request
 * answers 503 store-unavailable within about a second, readiness is DOWN, tokens verified a moment before still
 * work, and all is well again once the database is back.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.submission.enabled=false",
            "platy.reconcile.enabled=false",
            "platy.embedded-postgres.enabled=false"
        })
class StoreOutageTest {

    static final StoppablePostgres POSTGRES = StoppablePostgres.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", POSTGRES::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @AfterAll
    static void stopPostgres() {
        POSTGRES.close();
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aDatabaseOutageAnswers503AtOnceAndReadinessFollowsTheStore() throws Exception {
        assertThat(call("/api/v1/apps", ApiClient.ADMIN_TOKEN).statusCode()).isEqualTo(200);
        assertThat(call("/actuator/health/readiness", null).statusCode()).isEqualTo(200);

        POSTGRES.stop();
        try {
            // A token the store never verified: the check itself fails in Spring Security's filter chain.
            long started = System.nanoTime();
            HttpResponse<String> unknownToken = call("/api/v1/apps", "platy_never-seen-before-0000000000");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(unknownToken.statusCode()).isEqualTo(503);
            assertThat(unknownToken.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(unknownToken.body()).contains("urn:platyspark:problem:store-unavailable");
            assertThat(unknownToken.headers().firstValue("Retry-After")).isPresent();
            assertThat(took)
                    .as("answered within about a second, not after 30 s")
                    .isLessThan(Duration.ofSeconds(3));

            // A token verified a moment ago passes its check from the cache; the handler then finds the store out.
            started = System.nanoTime();
            HttpResponse<String> knownToken = call("/api/v1/apps", ApiClient.ADMIN_TOKEN);
            took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(knownToken.statusCode()).isEqualTo(503);
            assertThat(knownToken.body()).contains("store-unavailable");
            assertThat(knownToken.headers().firstValue("Retry-After")).isPresent();
            assertThat(took).isLessThan(Duration.ofSeconds(3));

            // Proof that the check itself passed: an admin-only endpoint that needs no database answers.
            assertThat(call("/actuator/metrics", ApiClient.ADMIN_TOKEN).statusCode())
                    .as("a recently verified admin token still works during the outage")
                    .isEqualTo(200);
            assertThat(call("/actuator/metrics", "platy_never-seen-before-0000000000")
                            .statusCode())
                    .as("a token never verified cannot be checked: 503, not 401")
                    .isEqualTo(503);

            HttpResponse<String> readiness = call("/actuator/health/readiness", null);
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).contains("DOWN");
            assertThat(call("/actuator/health/liveness", null).statusCode())
                    .as("alive: restarting it would not bring the database back")
                    .isEqualTo(200);
        } finally {
            POSTGRES.startAgain();
        }

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                call("/actuator/health/readiness", null).statusCode())
                        .isEqualTo(200));
        assertThat(call("/api/v1/apps", ApiClient.ADMIN_TOKEN).statusCode()).isEqualTo(200);
        assertThat(call("/api/v1/apps", "platy_never-seen-before-0000000000").statusCode())
                .as("an unknown token is refused again once the store can say so")
                .isEqualTo(401);
    }

    private HttpResponse<String> call(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
