package io.platyspark.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.Environments;
import io.platyspark.core.env.HttpEnvironments;
import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The app-builder service as spark-server uses it: through {@link HttpEnvironments} with a service token, a real
 * build behind it; unauthenticated calls are refused and bad input named.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AppBuilderApplicationTest {

    static final Path REPO = Path.of(System.getProperty("platy.repo.root", ".."))
            .toAbsolutePath()
            .normalize();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("platy.env.python", () -> System.getProperty("platy.test.python", "python3"));
        registry.add(
                "platy.env.work-dir",
                () -> REPO.resolve("app-builder/target/envs").toString());
        registry.add(
                "platy.artifacts.local-dir",
                () -> REPO.resolve("app-builder/target/artifacts").toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiTokenService tokens;

    @Test
    void spark_serverGetsEnvironmentsBuiltHere() throws Exception {
        String token = tokens.issue("spark-server-" + System.nanoTime(), "platform", true, Duration.ofDays(1), "test")
                .secret();
        Environments remote = new HttpEnvironments(URI.create("http://localhost:" + port), token);

        EnvBuild queued = remote.request(remote.spec(List.of("tabulate==0.9.0"), null, null), "data");
        await().atMost(Duration.ofMinutes(3))
                .until(() -> remote.get(queued.id()).orElseThrow().state().finished());
        EnvBuild ready = remote.get(queued.id()).orElseThrow();

        assertThat(ready.state()).as(ready.error()).isEqualTo(EnvBuild.State.READY);
        assertThat(ready.uri()).startsWith("file:").endsWith("/environment.tar.gz");
        assertThat(ready.spec().pythonVersion()).matches("3\\.\\d+");
        assertThat(remote.request(remote.spec(List.of("tabulate==0.9.0"), null, null), "data")
                        .id())
                .isEqualTo(queued.id());

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> anonymous = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/envs/" + queued.id()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> badPlatform = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/envs"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"requirements\":[\"x\"],\"platform\":\"sparc\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> pipOption = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/envs"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"requirements\":[\"-r /etc/passwd\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(badPlatform.statusCode()).isEqualTo(400);
        assertThat(badPlatform.body()).contains("platform");
        assertThat(pipOption.statusCode()).as(pipOption.body()).isEqualTo(400);
        assertThat(pipOption.body()).contains("\"field\":\"requirements[0]\"").doesNotContain("root:");
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
