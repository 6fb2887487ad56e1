package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.platyspark.backend.local.LocalSparkBackend;
import io.platyspark.core.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard reads metrics the services really export. Every metric name in a query of
 * {@code ops/grafana/dashboards/*.json} must be listed in {@code ops/grafana/metric-sources.txt}, and those of
 * families listed for spark-server or the watchdog must appear in a running spark-server's
 * {@code /actuator/prometheus}. The server runs the embedded shape, which schedules the watchdog's reconcilers
 * in-process, and one real PySpark app goes through the API first, so the team-tagged meters exist.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.reconcile.enabled=true",
            "platy.reconcile.interval=300ms",
            "platy.submission.poll-interval=300ms"
        })
class DashboardMetricsTest {

    static final Path REPO = Path.of(System.getProperty("platy.repo.root", ".."))
            .toAbsolutePath()
            .normalize();
    static final String PYTHON = System.getProperty(
            "platy.test.python", REPO.resolve(".venv/bin/python").toString());
    static final Path DASHBOARDS = REPO.resolve("ops/grafana/dashboards");
    static final Path METRIC_SOURCES = REPO.resolve("ops/grafana/metric-sources.txt");
    /** The services whose metrics this server exports: itself, and the watchdog it runs in-process. */
    static final Set<String> CHECKED_HERE = Set.of("spark-server", "watchdog");

    static final List<String> SUFFIXES = List.of("_total", "_bucket", "_count", "_sum", "_max");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("platy.local.python", () -> PYTHON);
        registry.add("platy.security.local-source-roots", REPO::toString);
        registry.add(
                "platy.local.work-dir",
                () -> REPO.resolve("spark-server/target/platy-local").toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    LocalSparkBackend localBackend;

    @Autowired
    MeterRegistry meters;

    @Test
    void everyDashboardMetricOfSparkServerAndTheWatchdogIsExported() throws IOException {
        assertThat(DASHBOARDS.resolve("platyspark.json"))
                .as("the dashboard, under the repository root %s (surefire passes platy.repo.root)", REPO)
                .isRegularFile();
        assertThat(localBackend.sparkHome())
                .as("a Spark for the local backend: pyspark in %s (bin/test installs it)", PYTHON)
                .isPresent();
        Map<String, Set<String>> sources = metricSources();
        Map<String, List<String>> used = dashboardMetrics();

        runOneApp();
        long cycles = reconcileCycles();
        // Two more full cycles: the finished app is reflected in the gauges and the lag has been reset since.
        await().atMost(Duration.ofSeconds(30)).until(() -> reconcileCycles() >= cycles + 2);
        Set<String> exported = exportedNames(scrape());

        Map<String, List<String>> unlisted = new TreeMap<>();
        Map<String, String> missing = new TreeMap<>();
        Set<String> checked = new TreeSet<>();
        used.forEach((name, panels) -> {
            String family = familyOf(name, sources);
            if (family == null) {
                unlisted.put(name, panels);
            } else if (sources.get(family).stream().anyMatch(CHECKED_HERE::contains)) {
                checked.add(name);
                if (!exported.contains(name)) {
                    missing.put(name, "family " + family + " of " + sources.get(family) + ", read by " + panels);
                }
            }
        });

        assertThat(unlisted)
                .as("metrics the dashboard reads that %s does not list", METRIC_SOURCES)
                .isEmpty();
        // Guards against a query reader that finds nothing and so checks nothing.
        assertThat(checked)
                .contains(
                        "platy_apps_submitted_total",
                        "platy_apps",
                        "platy_backend_calls_total",
                        "platy_apps_start_delay_seconds_bucket",
                        "jvm_memory_used_bytes");
        assertThat(missing)
                .as(
                        "dashboard metrics a running spark-server (with the watchdog in-process) does not "
                                + "export; its /actuator/prometheus has %d names",
                        exported.size())
                .isEmpty();
    }

    @Test
    void metricNamesAreReadFromQueriesPastFunctionsLabelsRangesAndGrafanaVariables() {
        String expr = "histogram_quantile(0.95, sum by (le, backend) (rate(platy_x_seconds_bucket{team=~\"$team\","
                + " reason=\"a (b) {c}\"}[$__rate_interval]))) / on (team) group_left sum without (job) "
                + "(up offset 5m) > bool 1e3 and count(jvm_y{area='heap'}) or vector(1) unless max(platy_v{team=~\"${team:regex}\"}) "
                + "atan2 avg_over_time(platy_w[5m:1m])";

        assertThat(PromQl.metricNames(expr))
                .containsExactlyInAnyOrder("platy_x_seconds_bucket", "up", "jvm_y", "platy_v", "platy_w");
        assertThat(PromQl.metricNames("label_values(platy_apps_submitted_total, team)"))
                .containsExactly("platy_apps_submitted_total");
        assertThat(familyOf(
                        "platy_apps_start_delay_seconds_max",
                        Map.of("platy_apps_start_delay_seconds", Set.of("watchdog"), "platy_apps", Set.of("watchdog"))))
                .isEqualTo("platy_apps_start_delay_seconds");
        assertThat(familyOf("jvm_threads_live_threads", Map.of("jvm_*", Set.of("spark-server"))))
                .isEqualTo("jvm_*");
        assertThat(familyOf("platy_apps_submitted_total", Map.of("platy_apps", Set.of("watchdog"))))
                .isNull();
    }

    private void runOneApp() {
        ApiClient api = new ApiClient(port);
        ApiClient.Response submitted = api.post(
                "/api/v1/apps",
                Map.of(
                        "name",
                        "dashboard-metrics",
                        "team",
                        "dashboards",
                        "cluster",
                        "local",
                        "source",
                        REPO.resolve("examples/pyspark/word_count.py").toString(),
                        "args",
                        List.of("2")),
                Map.of());
        assertThat(submitted.status()).as(submitted.raw()).isEqualTo(202);
        String id = submitted.body().get("id").asString();
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    String state =
                            api.get("/api/v1/apps/" + id).body().get("state").asString();
                    assertThat(state)
                            .as(
                                    "the app ended otherwise: %s",
                                    api.get("/api/v1/apps/" + id).raw())
                            .isIn(
                                    "PENDING",
                                    "WAITING_FOR_CLUSTER",
                                    "BUILDING_ENV",
                                    "SUBMITTED",
                                    "RUNNING",
                                    "SUCCEEDED");
                    return state.equals("SUCCEEDED");
                });
    }

    private long reconcileCycles() {
        return meters.find("platy.reconcile.cycle").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    private String scrape() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + ApiClient.ADMIN_TOKEN)
                .GET()
                .build();
        try {
            HttpResponse<String> response =
                    HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sample names of a Prometheus text exposition ({@code name{labels} value}). */
    static Set<String> exportedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition
                .lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
        return names;
    }

    /** Family (or {@code prefix*}) to the services that export it, from metric-sources.txt. */
    static Map<String, Set<String>> metricSources() throws IOException {
        Map<String, Set<String>> sources = new LinkedHashMap<>();
        for (String line : Files.readAllLines(METRIC_SOURCES)) {
            String content = line.replaceFirst("#.*", "").strip();
            if (!content.isEmpty()) {
                String[] parts = content.split("\\s+");
                assertThat(parts)
                        .as("'%s' in %s: a family and its services", line, METRIC_SOURCES)
                        .hasSize(2);
                sources.put(parts[0], Set.of(parts[1].split(",")));
            }
        }
        return sources;
    }

    static String familyOf(String name, Map<String, Set<String>> sources) {
        List<String> candidates = new ArrayList<>(List.of(name));
        SUFFIXES.stream()
                .filter(name::endsWith)
                .forEach(suffix -> candidates.add(name.substring(0, name.length() - suffix.length())));
        for (String candidate : candidates) {
            if (sources.containsKey(candidate)) {
                return candidate;
            }
        }
        return sources.keySet().stream()
                .filter(family -> family.endsWith("*") && name.startsWith(family.substring(0, family.length() - 1)))
                .findFirst()
                .orElse(null);
    }

    /** Metric name to the panels (and variables) whose queries read it, over every dashboard file. */
    static Map<String, List<String>> dashboardMetrics() throws IOException {
        JsonMapper json = new JsonMapper();
        Map<String, List<String>> used = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(DASHBOARDS)) {
            files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            JsonNode dashboard = json.readTree(file.toFile());
            List<JsonNode> panels = new ArrayList<>();
            collectPanels(dashboard.path("panels"), panels);
            for (JsonNode panel : panels) {
                for (JsonNode target : panel.path("targets")) {
                    String where =
                            file.getFileName() + ": '" + panel.path("title").asString() + "'";
                    PromQl.metricNames(target.path("expr").asString(""))
                            .forEach(name -> used.computeIfAbsent(name, k -> new ArrayList<>())
                                    .add(where));
                }
            }
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if ("query".equals(variable.path("type").asString(""))) {
                    JsonNode query = variable.path("query");
                    String text = query.isObject() ? query.path("query").asString("") : query.asString("");
                    String where = file.getFileName() + ": variable "
                            + variable.path("name").asString();
                    PromQl.metricNames(text)
                            .forEach(name -> used.computeIfAbsent(name, k -> new ArrayList<>())
                                    .add(where));
                }
            }
        }
        return used;
    }

    private static void collectPanels(JsonNode panels, List<JsonNode> into) {
        for (JsonNode panel : panels) {
            into.add(panel);
            collectPanels(panel.path("panels"), into);
        }
    }

    /**
     * Reads the metric names out of a PromQL expression well enough for dashboard queries: what is left of the
     * expression once strings, label matchers, ranges, label lists, offsets and Grafana variables are removed, minus
     * function calls and keywords. bin/check-ops parses the same queries with a real PromQL parser.
     */
    static final class PromQl {

        private static final Pattern STRINGS =
                Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
        private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
        private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
        private static final Pattern LABEL_LISTS =
                Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
        private static final Pattern OFFSETS = Pattern.compile("\\boffset\\s+-?\\w+");
        private static final Pattern VARIABLES = Pattern.compile("\\$\\{\\w+(?::\\w+)?}|\\$\\w+");
        private static final Pattern LABEL_VALUES = Pattern.compile("\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*");
        private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][\\w:]*)(\\s*\\()?");
        private static final Set<String> KEYWORDS = Set.of(
                "by",
                "without",
                "on",
                "ignoring",
                "group_left",
                "group_right",
                "bool",
                "and",
                "or",
                "unless",
                "atan2",
                "offset",
                "inf",
                "nan");

        static Set<String> metricNames(String expr) {
            Matcher labelValues = LABEL_VALUES.matcher(expr);
            String rest = labelValues.matches() ? labelValues.group(1) : expr;
            for (Pattern noise : List.of(STRINGS, MATCHERS, RANGES, LABEL_LISTS, OFFSETS, VARIABLES)) {
                rest = noise.matcher(rest).replaceAll(" ");
            }
            Set<String> names = new TreeSet<>();
            Matcher identifier = IDENTIFIER.matcher(rest);
            while (identifier.find()) {
                String word = identifier.group(1);
                boolean call = identifier.group(2) != null;
                if (!call && !KEYWORDS.contains(word.toLowerCase())) {
                    names.add(word);
                }
            }
            return names;
        }
    }
}
