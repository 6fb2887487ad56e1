package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.aws.moto.MotoServer;
import io.platyspark.core.quota.JdbcTeamQuotas;
import io.platyspark.core.quota.QuotaUpdate;
import io.platyspark.core.reconcile.Watchdog;
import io.platyspark.core.submit.SubmissionProperties;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.livy.fake.FakeLivy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.ClusterSummary;
import tools.jackson.databind.JsonNode;

/**
 * EMR clusters through the API against moto's EMR and S3: get-or-create under 50 concurrent submits makes one
 * RunJobFlow, bad configs are refused before AWS, a dead shared cluster is re-created, and a local source is
 * shipped to S3 for the cluster.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.aws.enabled=true",
            "platy.aws.artifact-bucket=platy-it-artifacts",
            "platy.aws.subnet-ids=subnet-12345",
            "platy.security.allowed-buckets=platy-it-artifacts",
            "platy.submission.enabled=true",
            "platy.submission.poll-interval=200ms",
            "platy.reconcile.enabled=false",
            "platy.reconcile.cluster-interval=0s",
            // 50 concurrent submits of one token, all in flight at once: above the default bulkhead of 32. While
            // the admin's and other tokens count as active, most of them wait for the token's share of the seats,
            // and a token waiting alone may have half of max-waiting waiting: 200 leaves room for all 49.
            "platy.rate-limit.max-in-flight=64",
            "platy.rate-limit.max-waiting=200"
        })
class EmrClustersApiTest {

    static final MotoServer MOTO = MotoServer.get();
    static final FakeLivy LIVY = new FakeLivy();
    static Path sources;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestDatabase.register(registry);
        registry.add("platy.aws.endpoint", () -> MOTO.endpoint().toString());
        MOTO.clients().s3().createBucket(r -> r.bucket("platy-it-artifacts"));
        sources = Files.createTempDirectory("platy-sources");
        registry.add("platy.security.local-source-roots", () -> sources.toString());
    }

    @AfterAll
    static void stop() {
        LIVY.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    Watchdog watchdog;

    @Autowired
    DataSource dataSource;

    @Autowired
    SubmissionProperties submission;

    @Autowired
    JdbcTeamQuotas quotas;

    ApiClient admin;
    ApiClient team;
    final EmrClient emr = MOTO.clients().emr();

    @BeforeEach
    void setUp() {
        admin = new ApiClient(port);
        ApiClient.Response token = admin.post(
                "/api/v1/admin/tokens", Map.of("name", "data-" + System.nanoTime(), "team", "data"), Map.of());
        team = admin.as(token.body().get("token").asString());
    }

    private List<ClusterSummary> emrClusters(String name) {
        return emr.listClustersPaginator(r -> {}).clusters().stream()
                .filter(c -> c.name().equals(name))
                .toList();
    }

    private static Map<String, Object> config(String team, String coreType) {
        Map<String, Object> fleets = new HashMap<>();
        fleets.put("masterInstances", List.of("m6g.xlarge"));
        fleets.put("coreInstancesAndWeights", Map.of(coreType, 2));
        fleets.put("coreTargetOnDemandCapacity", 4);
        Map<String, Object> config = new HashMap<>();
        config.put("instanceFleets", fleets);
        if (team != null) {
            config.put("tags", Map.of("team", team, "project", "it"));
        }
        config.put("idleTimeoutSeconds", 1800);
        return config;
    }

    @Test
    void fiftyConcurrentSubmitsForANewClusterMakeOneRunJobFlow() throws Exception {
        String cluster = "burst-" + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> submits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            submits.add(pool.submit((Callable<Integer>) () -> {
                go.await();
                Map<String, Object> body = new HashMap<>();
                body.put("name", "job-" + n);
                body.put("cluster", cluster);
                body.put("source", "s3://platy-it-artifacts/jobs/etl.py");
                body.put("clusterConfig", config("data", "m6g.2xlarge"));
                return team.post("/api/v1/apps", body, Map.of()).status();
            }));
        }
        go.countDown();
        for (Future<Integer> submit : submits) {
            assertThat(submit.get()).isEqualTo(202);
        }
        pool.shutdown();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !emrClusters(cluster).isEmpty()
                        && team.get("/api/v1/clusters/" + cluster)
                                .body()
                                .get("externalId")
                                .isString());
        watchdog.runOnce();

        assertThat(emrClusters(cluster)).as("RunJobFlow calls, counted at moto").hasSize(1);
        JsonNode recorded = team.get("/api/v1/clusters/" + cluster).body();
        assertThat(recorded.get("state").asString()).isEqualTo("WAITING");
        assertThat(recorded.get("team").asString()).isEqualTo("data");
        assertThat(recorded.get("idleTimeoutSeconds").asLong()).isEqualTo(1800);
        assertThat(recorded.get("livyUrl").asString()).startsWith("http://").endsWith(":8998");
        var tags = emr.describeCluster(
                        r -> r.clusterId(emrClusters(cluster).get(0).id()))
                .cluster()
                .tags();
        assertThat(tags)
                .anyMatch(t -> t.key().equals("platy:cluster-id")
                        && t.value().equals(recorded.get("id").asString()));
        JsonNode apps = team.get("/api/v1/apps?cluster=" + cluster + "&limit=100")
                .body()
                .get("items");
        assertThat(apps).hasSize(50);
    }

    @Test
    void aDedicatedClusterOverTheTeamsCapacityQuotaIs403NamingTheQuotaUsageAndLimit() {
        quotas.put("cap", new QuotaUpdate(null, null, null, null, null, null, 6), "test");
        ApiClient.Response token =
                admin.post("/api/v1/admin/tokens", Map.of("name", "cap-" + System.nanoTime(), "team", "cap"), Map.of());
        ApiClient cap = admin.as(token.body().get("token").asString());
        // Each asks for 4 core units of instance-fleet capacity: the first fits the quota of 6, the second not.
        Map<String, Object> first = new HashMap<>(Map.of("name", "cap-first", "kind", "DEDICATED"));
        first.put("config", config("cap", "m6g.2xlarge"));
        Map<String, Object> second = new HashMap<>(Map.of("name", "cap-second", "kind", "DEDICATED"));
        second.put("config", config("cap", "m6g.2xlarge"));

        ApiClient.Response created = cap.post("/api/v1/clusters", first, Map.of());
        ApiClient.Response refused = cap.post("/api/v1/clusters", second, Map.of());

        assertThat(created.status()).as(created.raw()).isEqualTo(202);
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().get("type").asString()).isEqualTo("urn:platyspark:problem:forbidden");
        assertThat(refused.body().get("quota").asString()).isEqualTo("maxCapacityUnits");
        assertThat(refused.body().get("usage").asLong()).isEqualTo(4);
        assertThat(refused.body().get("limit").asLong()).isEqualTo(6);
        assertThat(refused.body().get("detail").asString()).contains("asks for 4");
        assertThat(cap.get("/api/v1/clusters/cap-second").status()).isEqualTo(404);
        assertThat(emrClusters("cap-second")).isEmpty();
        JsonNode usage = cap.get("/api/v1/teams/cap/usage").body();
        assertThat(usage.get("clusters").asLong()).isEqualTo(1);
        assertThat(usage.get("capacityUnits").asLong()).isEqualTo(4);
        assertThat(usage.get("quota").get("maxCapacityUnits").asLong()).isEqualTo(6);
    }

    @Test
    void aConfigWithoutTeamOrWithAForbiddenInstanceTypeIsRefusedAndNothingIsCreated() {
        Map<String, Object> noTeam = new HashMap<>(Map.of("name", "no-team", "kind", "DEDICATED"));
        noTeam.put("config", config(null, "m6g.2xlarge"));
        Map<String, Object> gpu = new HashMap<>(Map.of("name", "gpu", "kind", "DEDICATED"));
        gpu.put("config", config("data", "p4d.24xlarge"));
        Map<String, Object> typo = new HashMap<>(Map.of("name", "typo", "kind", "DEDICATED"));
        typo.put("config", Map.of("tags", Map.of("team", "data"), "instanceFleet", Map.of()));

        ApiClient.Response refusedTeam = team.post("/api/v1/clusters", noTeam, Map.of());
        ApiClient.Response refusedGpu = team.post("/api/v1/clusters", gpu, Map.of());
        ApiClient.Response refusedTypo = team.post("/api/v1/clusters", typo, Map.of());

        assertThat(refusedTeam.status()).isEqualTo(400);
        assertThat(refusedTeam.body().get("field").asString()).isEqualTo("config.tags.team");
        assertThat(refusedGpu.status()).isEqualTo(400);
        assertThat(refusedGpu.body().get("field").asString())
                .isEqualTo("config.instanceFleets.coreInstancesAndWeights[p4d.24xlarge]");
        assertThat(refusedGpu.body().get("detail").asString()).contains("not allowed");
        assertThat(refusedTypo.body().get("field").asString()).isEqualTo("config.instanceFleet");
        Map<String, Object> submit =
                new HashMap<>(Map.of("name", "etl", "cluster", "gpu-app", "source", "s3://platy-it-artifacts/etl.py"));
        submit.put("clusterConfig", config("data", "p4d.24xlarge"));
        ApiClient.Response refusedSubmit = team.post("/api/v1/apps", submit, Map.of());
        assertThat(refusedSubmit.status()).as(refusedSubmit.raw()).isEqualTo(400);
        assertThat(refusedSubmit.body().get("field").asString())
                .isEqualTo("clusterConfig.instanceFleets.coreInstancesAndWeights[p4d.24xlarge]");
        for (String name : Set.of("no-team", "gpu", "typo", "gpu-app")) {
            assertThat(team.get("/api/v1/clusters/" + name).status()).isEqualTo(404);
            assertThat(emrClusters(name)).isEmpty();
        }
    }

    /** Each hole in the platform's policy the issue found, as a change to a valid config and the field named. */
    static Stream<Arguments> policyHoles() {
        return Stream.of(
                hole(
                        "overwrites.Instances.InstanceFleets",
                        c -> c.put("overwrites", Map.of("Instances.InstanceFleets", List.of()))),
                hole("overwrites.ServiceRole", c -> c.put("overwrites", Map.of("ServiceRole", "AdminRole"))),
                hole("overwrites.JobFlowRole", c -> c.put("overwrites", Map.of("JobFlowRole", "AdminProfile"))),
                hole(
                        "overwrites.Tags",
                        c -> c.put("overwrites", Map.of("Tags", List.of(Map.of("Key", "team", "Value", "data"))))),
                hole(
                        "overwrites.Instances",
                        c -> c.put("overwrites", Map.of("Instances", Map.of("InstanceFleets", List.of())))),
                hole("tags.team", c -> c.put("tags", Map.of("team", "someone-else"))),
                hole("tags.platy:cluster-id", c -> c.put("tags", Map.of("team", "data", "platy:cluster-id", "x"))),
                hole("instanceFleets.coreTargetOnDemandCapacity", c -> fleets(c).put("coreTargetOnDemandCapacity", -4)),
                hole(
                        "instanceFleets.coreInstancesAndWeights[m6g.2xlarge]",
                        c -> fleets(c).put("coreInstancesAndWeights", Map.of("m6g.2xlarge", 0))),
                hole("applications", c -> c.put("applications", List.of("Hadoop", "Spark"))),
                hole("releaseLabel", c -> c.put("releaseLabel", "emr-6.4.0")),
                hole(
                        "instanceFleets.coreInstancesAndWeights",
                        c -> fleets(c).put("coreInstancesAndWeights", Map.of("m5.2xlarge", 2))),
                hole(
                        "instanceFleets.coreInstancesAndWeights",
                        c -> fleets(c).put("coreInstancesAndWeights", Map.of("m6g.2xlarge", 2, "m5.2xlarge", 2))),
                hole(
                        "bootstrapActions[0].path",
                        c -> c.put(
                                "bootstrapActions",
                                List.of(Map.of(
                                        "name",
                                        "x",
                                        "path",
                                        "s3://not-allowed-bucket/install.sh",
                                        "args",
                                        List.of())))));
    }

    private static Arguments hole(String field, java.util.function.Consumer<Map<String, Object>> change) {
        return Arguments.of(field, change);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fleets(Map<String, Object> config) {
        return (Map<String, Object>) config.get("instanceFleets");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policyHoles")
    void eachPolicyHoleIsA400NamingTheFieldAndNothingIsCreated(
            String field, java.util.function.Consumer<Map<String, Object>> change) {
        String name = "hole-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> config = config("data", "m6g.2xlarge");
        change.accept(config);
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "kind", "DEDICATED"));
        body.put("config", config);

        ApiClient.Response refused = team.post("/api/v1/clusters", body, Map.of());

        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.body().get("field").asString()).isEqualTo("config." + field);
        assertThat(team.get("/api/v1/clusters/" + name).status()).isEqualTo(404);
        assertThat(emrClusters(name)).as("clusters of that name at moto").isEmpty();
    }

    @Test
    void everyViolationIsListedInErrors() {
        Map<String, Object> config = config("someone-else", "m5.2xlarge");
        fleets(config).put("coreTargetOnDemandCapacity", -1);
        config.put("applications", List.of("Spark"));
        config.put("overwrites", Map.of("ServiceRole", "AdminRole"));
        Map<String, Object> body = new HashMap<>(Map.of("name", "many-wrongs", "kind", "DEDICATED"));
        body.put("config", config);

        ApiClient.Response refused = team.post("/api/v1/clusters", body, Map.of());

        assertThat(refused.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        refused.body().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields)
                .containsExactlyInAnyOrder(
                        "config.instanceFleets.coreTargetOnDemandCapacity",
                        "config.instanceFleets.coreInstancesAndWeights",
                        "config.applications",
                        "config.overwrites.ServiceRole",
                        "config.tags.team");
        assertThat(emrClusters("many-wrongs")).isEmpty();
    }

    @Test
    void aClusterConfigsLivyRetentionMustOutliveTheClaimResolutionBound() {
        // lease 15s + poll-interval 200ms here: 15s is not longer, 16s is.
        Duration bound = submission.claimResolutionBound();
        String field = "configurations.livy-conf[livy.server.session.state-retain.sec]";
        String name = "retain-" + UUID.randomUUID().toString().substring(0, 8);
        for (String tooShort : List.of(bound.toSeconds() + "s", "60ms", "soon")) {
            Map<String, Object> config = config("data", "m6g.2xlarge");
            config.put("configurations", Map.of("livy-conf", Map.of("livy.server.session.state-retain.sec", tooShort)));
            Map<String, Object> body = new HashMap<>(Map.of("name", name, "kind", "DEV"));
            body.put("config", config);

            ApiClient.Response refused = team.post("/api/v1/clusters", body, Map.of());

            assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
            assertThat(refused.body().get("field").asString()).isEqualTo("config." + field);
            assertThat(refused.body().get("detail").asString())
                    .as(tooShort)
                    .contains(tooShort.equals("soon") ? "not a Livy time" : "must be longer than 15200ms");
        }
        Map<String, Object> submit =
                new HashMap<>(Map.of("name", "etl", "cluster", name, "source", "s3://platy-it-artifacts/etl.py"));
        Map<String, Object> clusterConfig = config("data", "m6g.2xlarge");
        clusterConfig.put("configurations", Map.of("livy-conf", Map.of("livy.server.session.state-retain.sec", "10")));
        submit.put("clusterConfig", clusterConfig);
        ApiClient.Response refusedSubmit = team.post("/api/v1/apps", submit, Map.of());
        assertThat(refusedSubmit.status()).as(refusedSubmit.raw()).isEqualTo(400);
        assertThat(refusedSubmit.body().get("field").asString()).isEqualTo("clusterConfig." + field);
        assertThat(team.get("/api/v1/apps?cluster=" + name).body().get("items"))
                .as("no app stored")
                .isEmpty();
        assertThat(team.get("/api/v1/clusters/" + name).status()).isEqualTo(404);
        assertThat(emrClusters(name))
                .as("RunJobFlow calls for that name, counted at moto")
                .isEmpty();

        Map<String, Object> config = config("data", "m6g.2xlarge");
        config.put(
                "configurations",
                Map.of("livy-conf", Map.of("livy.server.session.state-retain.sec", (bound.toSeconds() + 1) + "s")));
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "kind", "DEV"));
        body.put("config", config);
        ApiClient.Response accepted = team.post("/api/v1/clusters", body, Map.of());
        assertThat(accepted.status()).as(accepted.raw()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> emrClusters(name).size() == 1);
        var livyConf =
                emr.describeCluster(r -> r.clusterId(emrClusters(name).get(0).id())).cluster().configurations().stream()
                        .filter(c -> c.classification().equals("livy-conf"))
                        .findFirst();
        assertThat(livyConf).isPresent();
        assertThat(livyConf.get().properties())
                .containsEntry("livy.server.session.state-retain.sec", (bound.toSeconds() + 1) + "s");
    }

    @Test
    void anAdminTagsAClusterForTheTeamItActsFor() {
        String name = "for-data-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "kind", "DEDICATED", "team", "data"));
        body.put("config", config("data", "m6g.2xlarge"));
        Map<String, Object> otherTag = new HashMap<>(Map.of("name", name + "-x", "kind", "DEDICATED", "team", "data"));
        otherTag.put("config", config("finance", "m6g.2xlarge"));

        assertThat(admin.post("/api/v1/clusters", otherTag, Map.of()).status()).isEqualTo(400);
        assertThat(admin.post("/api/v1/clusters", body, Map.of()).status()).isEqualTo(202);
    }

    @Test
    void aReplayedSubmitIsAnsweredFromTheStoreEvenAfterItsClusterEnded() {
        String cluster = "replay-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>(
                Map.of("name", "nightly", "cluster", cluster, "source", "s3://platy-it-artifacts/jobs/etl.py"));
        body.put("clusterConfig", config("data", "m6g.2xlarge"));
        Map<String, String> key = Map.of("Idempotency-Key", "nightly-" + cluster);
        ApiClient.Response first = team.post("/api/v1/apps", body, key);
        assertThat(first.status()).as(first.raw()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> emrClusters(cluster).size() == 1);
        assertThat(admin.delete("/api/v1/clusters/" + cluster).status()).isLessThan(300);

        ApiClient.Response replay = team.post("/api/v1/apps", body, key);
        Map<String, Object> changed = new HashMap<>(body);
        changed.put("clusterConfig", config("data", "m6g.4xlarge"));
        ApiClient.Response reused = team.post("/api/v1/apps", changed, key);

        assertThat(replay.status()).as(replay.raw()).isBetween(200, 202);
        assertThat(replay.body().get("id").asString())
                .isEqualTo(first.body().get("id").asString());
        assertThat(reused.status()).as("same key, another cluster config").isEqualTo(422);
        assertThat(emrClusters(cluster)).as("no second cluster").hasSize(1);
    }

    @Test
    void anEndedClusterStaysVisibleWithItsReason() {
        String name = "ended-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> create = new HashMap<>(Map.of("name", name, "kind", "DEDICATED"));
        create.put("config", config("data", "m6g.2xlarge"));
        assertThat(team.post("/api/v1/clusters", create, Map.of()).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> emrClusters(name).size() == 1);
        watchdog.runOnce();
        assertThat(team.delete("/api/v1/clusters/" + name).status()).isEqualTo(202);
        watchdog.runOnce();

        JsonNode ended = team.get("/api/v1/clusters/" + name).body();
        assertThat(ended.get("state").asString()).isEqualTo("TERMINATED");
        assertThat(ended.get("stateReason").asString()).isNotBlank();
        assertThat(ended.get("terminatedAt").isNull()).isFalse();
        List<String> listed = new ArrayList<>();
        team.get("/api/v1/clusters?state=TERMINATED,TERMINATED_WITH_ERRORS")
                .body()
                .forEach(c -> listed.add(c.get("name").asString()));
        assertThat(listed).contains(name);
        List<String> active = new ArrayList<>();
        team.get("/api/v1/clusters")
                .body()
                .forEach(c -> active.add(c.get("name").asString()));
        assertThat(active).doesNotContain(name);
        ApiClient.Response bad = team.get("/api/v1/clusters?state=GONE");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("field").asString()).isEqualTo("state");
    }

    @Test
    void aSharedClusterThatDiesIsRecreated() {
        String name = "shared-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Response created = admin.post("/api/v1/clusters", Map.of("name", name, "kind", "SHARED"), Map.of());
        assertThat(created.status()).as(created.raw()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> emrClusters(name).size() == 1);
        watchdog.runOnce();
        String first = emrClusters(name).get(0).id();

        emr.terminateJobFlows(r -> r.jobFlowIds(first)); // the cluster dies outside the platform
        watchdog.runOnce();

        await().atMost(Duration.ofSeconds(30)).until(() -> emrClusters(name).size() == 2);
        watchdog.runOnce();
        JsonNode again = admin.get("/api/v1/clusters/" + name).body();
        assertThat(again.get("externalId").asString()).isNotEqualTo(first);
        assertThat(again.get("state").asString()).isEqualTo("WAITING");
    }

    @Test
    void aLocalSourceIsShippedToS3ForTheCluster() throws Exception {
        String cluster = "ship-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> create = new HashMap<>(Map.of("name", cluster, "kind", "DEDICATED"));
        create.put("config", config("data", "m6g.2xlarge"));
        assertThat(team.post("/api/v1/clusters", create, Map.of()).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !emrClusters(cluster).isEmpty());
        watchdog.runOnce();
        // moto's master DNS does not resolve: point the cluster's Livy at the fake, as DNS would.
        JdbcClient.create(dataSource)
                .sql("update clusters set livy_url = :url where name = :name")
                .param("url", LIVY.url())
                .param("name", cluster)
                .update();
        Path job = Files.writeString(sources.resolve("etl.py"), "print('etl')\n");
        Path helper = Files.writeString(sources.resolve("helper.py"), "X = 1\n");

        Map<String, Object> body = new HashMap<>();
        body.put("name", "shipped");
        body.put("cluster", cluster);
        body.put("source", job.toString());
        body.put("pyFiles", List.of(helper.toString(), "s3://platy-it-artifacts/libs/lib.zip"));
        JsonNode accepted = team.post("/api/v1/apps", body, Map.of()).body();
        String id = accepted.get("id").asString();
        assertThat(accepted.get("resolvedSource").isNull())
                .as("not staged yet: %s", accepted)
                .isTrue();
        assertThat(accepted.get("resolvedPyFiles").isNull()).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> LIVY.batchByName("platy-" + id) != null);
        String file = LIVY.batchByName("platy-" + id).file();
        assertThat(file)
                .startsWith("s3://platy-it-artifacts/platyspark/uploads/data/")
                .endsWith("/etl.py");
        String key = file.substring("s3://platy-it-artifacts/".length());
        assertThat(new String(MOTO.clients()
                        .s3()
                        .getObjectAsBytes(r -> r.bucket("platy-it-artifacts").key(key))
                        .asByteArray()))
                .isEqualTo("print('etl')\n");
        // The app's view says where it actually ran from, next to what was asked for.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> team.get("/api/v1/apps/" + id)
                        .body()
                        .get("resolvedSource")
                        .isString());
        JsonNode view = team.get("/api/v1/apps/" + id).body();
        assertThat(view.get("source").asString()).isEqualTo(job.toRealPath().toString());
        assertThat(view.get("resolvedSource").asString()).isEqualTo(file);
        List<String> resolvedPyFiles = new ArrayList<>();
        view.get("resolvedPyFiles").forEach(f -> resolvedPyFiles.add(f.asString()));
        assertThat(resolvedPyFiles).hasSize(2);
        assertThat(resolvedPyFiles.get(0))
                .startsWith("s3://platy-it-artifacts/platyspark/uploads/data/")
                .endsWith("/helper.py");
        assertThat(resolvedPyFiles.get(1)).isEqualTo("s3://platy-it-artifacts/libs/lib.zip");
    }
}
