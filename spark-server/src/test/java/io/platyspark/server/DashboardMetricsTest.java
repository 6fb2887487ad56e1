package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.cleanup.Cleaner;
import io.platyspark.core.reconcile.Watchdog;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard queries only metrics the services really export: every metric name in every panel's query
 * is found in a running server's {@code /actuator/prometheus} after an app's life, a watchdog cycle and a cleaner
 * run (the embedded mode runs all three in one process).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
        "platy.security.local-source-roots=/opt/apps",
        "platy.submission.enabled=false"})
class DashboardMetricsTest {

    static final Path REPO = Path.of(System.getProperty("platy.repo.root", "..")).toAbsolutePath().normalize();
    static final Pattern METRIC = Pattern.compile("\\b((?:platy|http|jvm|process)_[a-z0-9_]+)\\b");

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
    }

    @LocalServerPort
    int port;
    @Autowired
    SparkAppStore apps;
    @Autowired
    Watchdog watchdog;
    @Autowired
    Cleaner cleaner;

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        ApiClient api = new ApiClient(port);
        String id = api.post("/api/v1/apps", Map.of("name", "dash", "team", "data", "cluster", "local",
                "source", "/opt/apps/etl.py"), Map.of()).body().get("id").asString();
        UUID appId = UUID.fromString(id);
        apps.transition(appId, AppState.PENDING, AppTransition.to(AppState.SUBMITTED, null).withBackend("fake", "1"));
        apps.transition(appId, AppState.SUBMITTED, AppTransition.to(AppState.RUNNING, null));
        watchdog.runOnce();
        apps.transition(appId, AppState.RUNNING, AppTransition.to(AppState.FAILED, "test"));
        cleaner.runOnce();
        watchdog.runOnce();

        String scrape = api.as(null).get("/actuator/prometheus").raw();
        Set<String> exported = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.split("[{ ]")[0]);
            }
        }
        JsonNode dashboard = new JsonMapper().readTree(
                Files.readString(REPO.resolve("ops/grafana/dashboards/platyspark.json")));
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = METRIC.matcher(target.get("expr").asString());
                while (m.find()) {
                    queried.add(m.group(1));
                }
            }
        }
        for (JsonNode variable : dashboard.get("templating").get("list")) {
            Matcher m = METRIC.matcher(variable.get("query").asString());
            while (m.find()) {
                queried.add(m.group(1));
            }
        }

        assertThat(queried).hasSizeGreaterThan(10);
        assertThat(exported).as("exported by spark-server:%n%s", exported).containsAll(queried);
    }
}
