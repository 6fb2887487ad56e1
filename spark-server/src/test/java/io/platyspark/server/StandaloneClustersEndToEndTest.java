package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.backend.local.standalone.StandaloneClusterBackend;
import io.platyspark.backend.local.standalone.StandaloneSparkBackend;
import io.platyspark.core.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Clusters on one machine, for real: the shared cluster exists from start-up, a dedicated cluster is created from
 * a ClusterConfig as a Spark standalone master and worker (running processes, seen in the process table), real
 * PySpark apps run on both to SUCCEEDED with their logs and metrics, terminating stops the processes, the cleaner
 * stops an idle dedicated cluster, and a shared master killed out of band is seen dead by the watchdog and the
 * shared cluster re-created. When the server stops, no Spark process of it is left.
 */
@DirtiesContext
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.standalone.enabled=true",
            "platy.reconcile.enabled=true",
            "platy.reconcile.interval=500ms",
            "platy.reconcile.cluster-interval=1s",
            "platy.submission.poll-interval=300ms",
            "platy.cleanup.enabled=true",
            "platy.cleanup.interval=1s",
            "platy.security.allowed-livy-hosts=127.0.0.1"
        })
class StandaloneClustersEndToEndTest {

    static final Path REPO = SparkAppEndToEndTest.REPO;
    static final Duration SLOW = Duration.ofMinutes(4);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        String run = UUID.randomUUID().toString();
        registry.add("platy.local.python", () -> SparkAppEndToEndTest.PYTHON);
        registry.add("platy.security.local-source-roots", REPO::toString);
        registry.add(
                "platy.local.work-dir",
                () -> REPO.resolve("spark-server/target/platy-local").toString());
        // Records of this run's own: no cluster of an earlier run is adopted.
        registry.add(
                "platy.standalone.work-dir",
                () -> REPO.resolve("spark-server/target/platy-standalone-" + run)
                        .toString());
        registry.add(
                "platy.artifacts.local-dir",
                () -> REPO.resolve("spark-server/target/platy-artifacts-" + run).toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    ConfigurableApplicationContext context;

    ApiClient api;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
    }

    @Test
    void clustersOnThisMachineLiveAndDieForReal() {
        // The shared cluster exists from start-up.
        JsonNode shared = awaitCluster("shared", "WAITING");
        assertThat(shared.get("kind").asString()).isEqualTo("SHARED");
        assertThat(daemons(shared)).as("the shared cluster's master and worker").hasSize(2);

        // A dedicated cluster from a config: a master and a worker on this machine.
        Map<String, Object> config = new HashMap<>();
        config.put("name", "etl");
        config.put("tags", Map.of("team", "data"));
        config.put("instanceFleets", Map.of("coreTargetOnDemandCapacity", 1));
        config.put("configurations", Map.of("spark-defaults", Map.of("spark.sql.shuffle.partitions", "3")));
        ApiClient.Response created = api.post(
                "/api/v1/clusters",
                Map.of("name", "etl", "kind", "DEDICATED", "team", "data", "config", config),
                Map.of());
        assertThat(created.status()).as(created.raw()).isEqualTo(202);
        JsonNode etl = awaitCluster("etl", "WAITING");
        assertThat(etl.get("externalId").asString()).startsWith("spark://127.0.0.1:");
        List<ProcessHandle> etlDaemons = daemons(etl);
        assertThat(etlDaemons)
                .as("the dedicated cluster's master and worker")
                .hasSize(2)
                .allMatch(ProcessHandle::isAlive);

        // An existing standalone master registered by its URL (here the dedicated cluster's own), under the
        // Livy URLs' host allow-list.
        ApiClient.Response refused = api.post(
                "/api/v1/clusters",
                Map.of(
                        "name",
                        "elsewhere",
                        "kind",
                        "DEDICATED",
                        "team",
                        "data",
                        "sparkMasterUrl",
                        "spark://spark.example.com:7077"),
                Map.of());
        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.body().get("field").asString()).isEqualTo("sparkMasterUrl");
        assertThat(refused.body().get("detail").asString()).contains("not allowed");
        ApiClient.Response registered = api.post(
                "/api/v1/clusters",
                Map.of(
                        "name",
                        "onprem",
                        "kind",
                        "DEDICATED",
                        "team",
                        "data",
                        "sparkMasterUrl",
                        etl.get("externalId").asString(),
                        "sparkMasterWebUiUrl",
                        etl.get("masterDns").asString()),
                Map.of());
        assertThat(registered.status()).as(registered.raw()).isEqualTo(202);
        assertThat(registered.body().get("state").asString()).isEqualTo("WAITING");
        assertThat(registered.body().get("managed").asBoolean()).isFalse();

        // An app on each: the dedicated one, the shared one and the registered one.
        String onEtl = submit("wc-dedicated", "etl");
        String onShared = submit("wc-shared", "shared");
        String onPrem = submit("wc-onprem", "onprem");
        for (String id : List.of(onEtl, onShared, onPrem)) {
            JsonNode app = awaitApp(id, "SUCCEEDED");
            assertThat(app.get("backend").get("name").asString()).isEqualTo("standalone");
            assertThat(app.get("backend").get("applicationId").asString())
                    .as("the id its master gave it: %s", app)
                    .startsWith("app-");
            assertThat(app.get("metrics").get("tasks").asLong())
                    .as("from the event log: %s", app)
                    .isPositive();
            assertThat(allLines(id, "stdout")).contains("words counted: 46");
            assertThat(allLines(id, "stderr")).anyMatch(l -> l.contains("Connected to Spark cluster"));
        }

        // Deregistering a registered cluster stops nothing of it.
        assertThat(api.delete("/api/v1/clusters/onprem").status()).isLessThan(300);
        assertThat(api.get("/api/v1/clusters/onprem").body().get("state").asString())
                .isEqualTo("TERMINATED");
        assertThat(etlDaemons).allMatch(ProcessHandle::isAlive);

        // Terminate: the processes are gone.
        assertThat(api.delete("/api/v1/clusters/etl").status()).isEqualTo(202);
        awaitCluster("etl", "TERMINATED");
        await().atMost(Duration.ofSeconds(30)).until(() -> etlDaemons.stream().noneMatch(ProcessHandle::isAlive));

        // Idle past its timeout: the cleaner terminates it, and its processes stop.
        ApiClient.Response idle = api.post(
                "/api/v1/clusters",
                Map.of("name", "idle", "kind", "DEDICATED", "team", "data", "config", Map.of("idleTimeoutSeconds", 2)),
                Map.of());
        assertThat(idle.status()).as(idle.raw()).isEqualTo(202);
        awaitClusterLeaves("idle", "STARTING");
        JsonNode idleEnded = awaitCluster("idle", "TERMINATED");
        assertThat(idleEnded.get("stateReason").asString()).contains("idle for");
        assertThat(daemons(idleEnded)).isEmpty();

        // The shared master killed out of band: the watchdog marks the cluster ended and re-creates it.
        JsonNode sharedNow = api.get("/api/v1/clusters/shared").body();
        List<ProcessHandle> sharedDaemons = daemons(sharedNow);
        ProcessHandle master = sharedDaemons.stream()
                .filter(h -> h.info().commandLine().orElse("").contains("deploy.master.Master"))
                .findFirst()
                .orElseThrow();
        master.destroyForcibly();
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode now = api.get("/api/v1/clusters/shared").body();
            return !now.get("id").equals(sharedNow.get("id"))
                    && "WAITING".equals(now.get("state").asString());
        });
        JsonNode ended =
                api.get("/api/v1/clusters?state=TERMINATED_WITH_ERRORS").body();
        List<JsonNode> endedShared = new ArrayList<>();
        ended.forEach(c -> {
            if (c.get("id").equals(sharedNow.get("id"))) {
                endedShared.add(c);
            }
        });
        assertThat(endedShared)
                .singleElement()
                .satisfies(c -> assertThat(c.get("stateReason").asString())
                        .contains("master process")
                        .contains("ended"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sharedDaemons.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(daemons(api.get("/api/v1/clusters/shared").body())).hasSize(2);

        // The server stops (its schedulers, then what the backends' destroy methods do): nothing of its Spark is
        // left running. Closing the test's context itself would leave Spring's test framework without one.
        context.stop();
        context.getBean(StandaloneSparkBackend.class).shutdown();
        context.getBean(StandaloneClusterBackend.class).shutdown();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(sparkDescendants()).isEmpty());
    }

    private String submit(String name, String cluster) {
        ApiClient.Response response = api.post(
                "/api/v1/apps",
                Map.of(
                        "name",
                        name,
                        "team",
                        "data",
                        "cluster",
                        cluster,
                        "source",
                        REPO.resolve("examples/pyspark/word_count.py").toString(),
                        "args",
                        List.of("3")),
                Map.of());
        assertThat(response.status()).as(response.raw()).isEqualTo(202);
        return response.body().get("id").asString();
    }

    private JsonNode awaitCluster(String name, String state) {
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode now = api.get("/api/v1/clusters/" + name).body();
            String current = now.get("state").asString();
            if (!current.equals(state) && current.startsWith("TERMINATED")) {
                throw new AssertionError("cluster " + name + " ended " + current + ", expected " + state + ": " + now);
            }
            return current.equals(state);
        });
        return api.get("/api/v1/clusters/" + name).body();
    }

    private void awaitClusterLeaves(String name, String state) {
        await().atMost(SLOW)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> !state.equals(
                        api.get("/api/v1/clusters/" + name).body().get("state").asString()));
    }

    private JsonNode awaitApp(String id, String state) {
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode now = api.get("/api/v1/apps/" + id).body();
            String current = now.get("state").asString();
            if (!current.equals(state)
                    && List.of("SUCCEEDED", "FAILED", "KILLED", "LOST").contains(current)) {
                throw new AssertionError("app " + id + " ended " + current + ", expected " + state + ": " + now);
            }
            return current.equals(state);
        });
        return api.get("/api/v1/apps/" + id).body();
    }

    private List<String> allLines(String id, String stream) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (true) {
            JsonNode page = api.get("/api/v1/apps/" + id + "/logs?from=" + from + "&size=200")
                    .body();
            for (JsonNode line : page.get("lines")) {
                if (stream.equals(line.get("stream").asString())) {
                    lines.add(line.get("text").asString());
                }
            }
            if (page.get("nextFrom").asInt() >= page.get("total").asInt()) {
                return lines;
            }
            from = page.get("nextFrom").asInt();
        }
    }

    /** The master and worker processes of a cluster, from the process table: by the master's port. */
    private static List<ProcessHandle> daemons(JsonNode cluster) {
        String masterUrl = cluster.get("externalId").asString();
        String port = masterUrl.substring(masterUrl.lastIndexOf(':') + 1);
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(h -> {
                    String cmd = h.info().commandLine().orElse("");
                    return cmd.contains("org.apache.spark.deploy.master.Master") && cmd.contains("--port " + port)
                            || cmd.contains("org.apache.spark.deploy.worker.Worker") && cmd.contains(masterUrl);
                })
                .toList();
    }

    private static List<String> sparkDescendants() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(h -> h.info().commandLine().orElse(""))
                .filter(cmd -> cmd.contains("org.apache.spark."))
                // The embedded History Server is not the clusters': one per event-log directory is shared by every
                // server context in this JVM (the test framework caches them) and stopped with the last of them.
                .filter(cmd -> !cmd.contains("org.apache.spark.deploy.history.HistoryServer"))
                .toList();
    }
}
