package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A local app's changes are recorded when they happen, not at the watchdog's next cycle: with a cycle an hour
 * apart, a short PySpark app is still seen RUNNING, with its Spark UI link, and its end is recorded at once.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.reconcile.enabled=true",
            "platy.reconcile.interval=1h",
            "platy.submission.poll-interval=300ms"
        })
class LocalAppChangesTest {

    static final Path REPO = Path.of(System.getProperty("platy.repo.root", ".."))
            .toAbsolutePath()
            .normalize();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add(
                "platy.local.python",
                () -> System.getProperty(
                        "platy.test.python", REPO.resolve(".venv/bin/python").toString()));
        registry.add("platy.security.local-source-roots", REPO::toString);
        registry.add(
                "platy.local.work-dir",
                () -> REPO.resolve("spark-server/target/platy-local").toString());
        registry.add(
                "platy.artifacts.local-dir",
                () -> REPO.resolve("spark-server/target/platy-artifacts").toString());
    }

    @LocalServerPort
    int port;

    @Test
    void aShortLocalAppIsSeenRunningWithItsUiAndItsEndIsRecordedAtOnce() {
        ApiClient api = new ApiClient(port);
        String id = api.post(
                        "/api/v1/apps",
                        Map.of(
                                "name",
                                "short",
                                "team",
                                "data",
                                "cluster",
                                "local",
                                "source",
                                REPO.resolve("examples/pyspark/word_count.py").toString()),
                        Map.of())
                .body()
                .get("id")
                .asString();

        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> List.of("SUCCEEDED", "FAILED", "KILLED", "LOST")
                        .contains(api.get("/api/v1/apps/" + id)
                                .body()
                                .get("state")
                                .asString()));

        JsonNode app = api.get("/api/v1/apps/" + id).body();
        assertThat(app.get("state").asString()).as(app.toString()).isEqualTo("SUCCEEDED");
        assertThat(app.get("links").get("sparkUi").asString()).matches("http://localhost:\\d+");
        assertThat(app.get("metrics").get("jobs").asLong()).isPositive();
        List<String> states = new ArrayList<>();
        api.get("/api/v1/apps/" + id + "/events").body().forEach(e -> {
            if (!e.get("from").equals(e.get("to"))) {
                states.add(e.get("to").asString());
            }
        });
        assertThat(states).containsSubsequence("SUBMITTED", "RUNNING", "SUCCEEDED");
    }
}
