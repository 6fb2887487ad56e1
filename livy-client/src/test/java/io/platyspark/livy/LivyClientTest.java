package io.platyspark.livy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every call and error path of the client, against a real socket. */
class LivyClientTest {

    private static final String BATCH = """
            {"id":3,"name":"platy-1","owner":"svc","proxyUser":null,"state":"running",
             "appId":"application_1700000000000_0004",
             "appInfo":{"driverLogUrl":"http://node:8042/logs","sparkUiUrl":"http://master:20888/proxy/app/",
                        "executorLogUrls":"x"},
             "log":["stdout: ","hello"],"somethingNew":true}""";

    private final MockWebServer server = new MockWebServer();
    private final OkHttpClient shared = new OkHttpClient();
    private final AtomicInteger requestIds = new AtomicInteger();
    private LivyClient livy;

    @BeforeEach
    void start() throws Exception {
        server.start(0);
        livy = LivyClient.builder()
                .baseUrl(server.url("/livy/").toString())
                .okHttpClient(shared)
                .requestedBy("platyspark")
                .requestIdSupplier(() -> "req-" + requestIds.incrementAndGet())
                .maxRetries(2)
                .retryBackoff(Duration.ofMillis(1))
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void enqueue(int status, String body) {
        server.enqueue(new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build());
    }

    /** The request arrives whole, then the connection is cut before any answer: did Livy act? Unknown. */
    private void enqueueCut() {
        server.enqueue(new MockResponse.Builder()
                .onResponseStart(new SocketEffect.CloseSocket())
                .build());
    }

    private RecordedRequest taken() throws InterruptedException {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the server").isNotNull();
        return request;
    }

    @Test
    void createSendsExactlyTheFieldsSetWithCsrfAndRequestIdHeaders() throws Exception {
        enqueue(201, BATCH);
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.x", "1");
        conf.put("spark.a", "2");

        Batch batch = livy.createBatch(CreateBatchRequest.builder()
                .file("s3://b/app.py")
                .name("platy-1")
                .args(List.of("--day", "1"))
                .pyFiles(List.of("s3://b/deps.zip"))
                .conf(conf)
                .driverCores(2)
                .queue("root.teams.a")
                .jars(List.of())
                .className(null)
                .build());

        RecordedRequest request = taken();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/livy/batches");
        assertThat(request.getHeaders().get("X-Requested-By")).isEqualTo("platyspark");
        assertThat(request.getHeaders().get("X-Request-Id")).isEqualTo("req-1");
        assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
        assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(request.getBody().utf8())
                .as("only what was set, empty lists and nulls left out")
                .isEqualTo("{\"file\":\"s3://b/app.py\",\"name\":\"platy-1\",\"args\":[\"--day\",\"1\"],"
                        + "\"pyFiles\":[\"s3://b/deps.zip\"],\"conf\":{\"spark.x\":\"1\",\"spark.a\":\"2\"},"
                        + "\"driverCores\":2,\"queue\":\"root.teams.a\"}");
        assertThat(batch)
                .isEqualTo(new Batch(
                        3,
                        "platy-1",
                        "svc",
                        null,
                        BatchState.RUNNING,
                        "application_1700000000000_0004",
                        new AppInfo(
                                "http://node:8042/logs",
                                "http://master:20888/proxy/app/",
                                Map.of("executorLogUrls", "x")),
                        List.of("stdout: ", "hello")));
    }

    @Test
    void everyFieldLivyAcceptsCanBeSetAndNothingElseIsSent() {
        CreateBatchRequest request = CreateBatchRequest.builder()
                .file("local:/app.jar")
                .className("a.Main")
                .args(List.of("1"))
                .jars(List.of("s3://j.jar"))
                .pyFiles(List.of("s3://p.zip"))
                .files(List.of("s3://f.txt"))
                .archives(List.of("s3://env.tar.gz#env"))
                .driverMemory("2g")
                .driverCores(1)
                .executorMemory("4g")
                .executorCores(2)
                .numExecutors(3)
                .queue("q")
                .name("n")
                .proxyUser("alice")
                .conf(Map.of("spark.k", "v"))
                .build();

        assertThat(request.toJson().keySet())
                .containsExactlyInAnyOrder(
                        "file",
                        "proxyUser",
                        "args",
                        "className",
                        "jars",
                        "pyFiles",
                        "files",
                        "driverMemory",
                        "driverCores",
                        "executorMemory",
                        "executorCores",
                        "numExecutors",
                        "archives",
                        "queue",
                        "name",
                        "conf");
        assertThat(request.file()).isEqualTo("local:/app.jar");
        assertThat(request.name()).isEqualTo("n");
    }

    @Test
    void readsGetListStateAndLogPagesWithTheirPathsAndQueries() throws Exception {
        enqueue(200, BATCH);
        enqueue(200, "{\"from\":100,\"total\":250,\"sessions\":[" + BATCH + "]}");
        enqueue(200, "{\"id\":3,\"state\":\"success\"}");
        enqueue(200, "{\"id\":3,\"from\":85,\"total\":88,\"log\":[\"a\",\"b\",\"c\"]}");
        enqueue(200, BATCH);

        Batch byId = livy.getBatch(3);
        BatchPage page = livy.listBatches(100, 50);
        BatchStateResponse state = livy.getBatchState(3);
        BatchLog log = livy.getBatchLog(3, -1, 3);
        Batch byName = livy.findBatchByName("platy 1/x").orElseThrow();

        assertThat(byId.appInfo().sparkUiUrl()).isEqualTo("http://master:20888/proxy/app/");
        RecordedRequest get = taken();
        assertThat(get.getMethod()).isEqualTo("GET");
        assertThat(get.getUrl().encodedPath()).isEqualTo("/livy/batches/3");
        assertThat(get.getHeaders().get("X-Requested-By"))
                .as("sent on every call")
                .isEqualTo("platyspark");
        assertThat(page).isEqualTo(new BatchPage(100, 250, List.of(byId)));
        assertThat(taken().getTarget()).isEqualTo("/livy/batches?from=100&size=50");
        assertThat(state).isEqualTo(new BatchStateResponse(3, BatchState.SUCCESS));
        assertThat(taken().getTarget()).isEqualTo("/livy/batches/3/state");
        assertThat(log).isEqualTo(new BatchLog(3, 85, 88, List.of("a", "b", "c")));
        assertThat(taken().getTarget()).isEqualTo("/livy/batches/3/log?from=-1&size=3");
        assertThat(byName.id()).isEqualTo(3);
        assertThat(taken().getTarget())
                .as("the name is one encoded path segment")
                .isEqualTo("/livy/batches/platy%201%2Fx");
    }

    @Test
    void deleteSendsDeleteWithTheCsrfHeader() throws Exception {
        enqueue(200, "{\"msg\":\"deleted\"}");

        livy.deleteBatch(5);

        RecordedRequest delete = taken();
        assertThat(delete.getMethod()).isEqualTo("DELETE");
        assertThat(delete.getTarget()).isEqualTo("/livy/batches/5");
        assertThat(delete.getHeaders().get("X-Requested-By")).isEqualTo("platyspark");
    }

    @Test
    void unknownStatesAndUnknownFieldsAreToleratedNotFatal() {
        enqueue(
                200,
                "{\"from\":0,\"total\":3,\"sessions\":[{\"id\":0,\"state\":\"levitating\",\"ttl\":\"10m\"},"
                        + "{\"id\":1,\"state\":\"dead\",\"appInfo\":null},{\"id\":2,\"state\":\"busy\",\"appInfo\":"
                        + "{\"driverLogUrl\":null,\"sparkUiUrl\":null,\"executorLogUrls\":null,\"k8s\":{\"pod\":\"p\"}}}],"
                        + "\"extra\":[1,2]}");

        BatchPage page = livy.listBatches(0, 100);

        assertThat(page.sessions())
                .extracting(Batch::state)
                .containsExactly(BatchState.UNKNOWN, BatchState.DEAD, BatchState.BUSY);
        assertThat(page.sessions().get(1).appInfo()).isEqualTo(AppInfo.EMPTY);
        assertThat(page.sessions().get(2).appInfo().other())
                .as("nulls dropped, objects kept as JSON")
                .containsExactly(Map.entry("k8s", "{\"pod\":\"p\"}"));
        assertThat(page.sessions().get(0).log()).isEmpty();
    }

    @Test
    void statesKnowWhetherTheyAreFinished() {
        assertThat(BatchState.values())
                .filteredOn(BatchState::isFinished)
                .containsExactlyInAnyOrder(BatchState.SUCCESS, BatchState.DEAD, BatchState.KILLED, BatchState.ERROR);
        assertThat(BatchState.fromWire("shutting_down")).isEqualTo(BatchState.SHUTTING_DOWN);
        assertThat(BatchState.NOT_STARTED.wireValue()).isEqualTo("not_started");
        assertThat(BatchState.fromWire(null)).isEqualTo(BatchState.UNKNOWN);
    }

    @Test
    void notFoundIsItsOwnTypeAndAnEmptyLookupOnlyWhenLivySaysSo() {
        enqueue(404, "{\"msg\":\"Session '7' not found.\"}");
        enqueue(404, "{\"msg\":\"Session 'platy-x' not found.\"}");
        server.enqueue(new MockResponse.Builder()
                .code(404)
                .setHeader("Content-Type", "text/html")
                .body("<html><h2>HTTP ERROR 404</h2>Not Found</html>")
                .build());

        assertThatThrownBy(() -> livy.getBatch(7)).isInstanceOfSatisfying(LivyNotFoundException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.livyMessage()).isEqualTo("Session '7' not found.");
            assertThat(e.isNoSuchBatch()).isTrue();
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.method()).isEqualTo("GET");
            assertThat(e.url()).endsWith("/livy/batches/7");
            assertThat(e.getMessage())
                    .contains("GET")
                    .contains("/livy/batches/7")
                    .contains("404");
        });
        assertThat(livy.findBatchByName("platy-x")).isEmpty();
        assertThatThrownBy(() -> livy.findBatchByName("platy-y"))
                .as("a 404 from a proxy is not 'no such batch'")
                .isInstanceOfSatisfying(
                        LivyNotFoundException.class,
                        e -> assertThat(e.isNoSuchBatch()).isFalse());
        assertThatThrownBy(() -> livy.findBatchByName("123"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("getBatch(id)");
        assertThat(server.getRequestCount()).as("404s are not retried").isEqualTo(3);
    }

    @Test
    void clientErrorsCarryLivysWordsWhetherObjectBareStringOrHtml() {
        enqueue(400, "\"Unrecognized field \\\"fil\\\" (class CreateBatchRequest), not marked as ignorable\"");
        enqueue(400, "{\"msg\":\"Rejected, Reason: Duplicate session name: Some(n) for session 4\"}");
        enqueue(400, "{\"msg\":\"Rejected, too many sessions are being created!\"}");
        server.enqueue(new MockResponse.Builder()
                .code(400)
                .setHeader("Content-Type", "text/html")
                .body("<html><body>Missing Required Header for CSRF protection.</body></html>")
                .build());
        enqueue(403, "{\"msg\":\"User 'bob' not allowed to impersonate 'Some(alice)'.\"}");
        CreateBatchRequest request = CreateBatchRequest.builder().file("/x.py").build();

        assertThatThrownBy(() -> livy.createBatch(request)).isInstanceOfSatisfying(LivyClientException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.livyMessage()).startsWith("Unrecognized field \"fil\"");
            assertThat(e.isRetryable()).isFalse();
        });
        assertThatThrownBy(() -> livy.createBatch(request)).isInstanceOfSatisfying(LivyClientException.class, e -> {
            assertThat(e.livyMessage()).startsWith("Rejected, Reason: Duplicate session name");
            assertThat(e.getMessage())
                    .isEqualTo("POST " + server.url("/livy/batches") + ": 400 Rejected, "
                            + "Reason: Duplicate session name: Some(n) for session 4");
            assertThat(e.isRetryable()).isFalse();
        });
        assertThatThrownBy(() -> livy.createBatch(request))
                .isInstanceOfSatisfying(
                        LivyClientException.class,
                        e -> assertThat(e.isRetryable())
                                .as("Livy's creation limit")
                                .isTrue());
        assertThatThrownBy(() -> livy.createBatch(request)).isInstanceOfSatisfying(LivyClientException.class, e -> {
            assertThat(e.livyMessage()).isNull();
            assertThat(e.bodySnippet()).contains("CSRF");
        });
        assertThatThrownBy(() -> livy.createBatch(request))
                .isInstanceOfSatisfying(
                        LivyClientException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(server.getRequestCount()).as("a create is never retried").isEqualTo(5);
    }

    @Test
    void serverErrorsAreRetriedForReadsAndDeletesButNeverForCreates() throws Exception {
        enqueue(500, "\"java.lang.ClassCastException: java.lang.String cannot be cast to java.lang.Integer\"");
        assertThatThrownBy(() -> livy.createBatch(
                        CreateBatchRequest.builder().file("/x.py").build()))
                .isInstanceOfSatisfying(LivyServerException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.livyMessage()).startsWith("java.lang.ClassCastException");
                    assertThat(e.isRetryable()).isTrue();
                });
        assertThat(server.getRequestCount()).isEqualTo(1);

        enqueue(503, "busy");
        enqueue(502, "<html>bad gateway</html>");
        enqueue(200, BATCH);
        assertThat(livy.getBatch(3).id()).isEqualTo(3);
        assertThat(server.getRequestCount()).isEqualTo(4);

        enqueue(500, "x");
        enqueue(500, "x");
        enqueue(500, "x");
        assertThatThrownBy(() -> livy.deleteBatch(3)).isInstanceOf(LivyServerException.class);
        assertThat(server.getRequestCount()).as("1 + 2 retries").isEqualTo(7);
    }

    @Test
    void tooManyRequestsIsRetriedForReads() {
        enqueue(429, "{\"msg\":\"slow down\"}");
        enqueue(200, "{\"id\":3,\"state\":\"starting\"}");

        assertThat(livy.getBatchState(3).state()).isEqualTo(BatchState.STARTING);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void everyAttemptOfOneCallCarriesTheSameRequestId() throws Exception {
        enqueue(500, "x");
        enqueue(200, BATCH);
        enqueue(200, BATCH);

        livy.getBatch(3);
        livy.getBatch(3);

        assertThat(taken().getHeaders().get("X-Request-Id")).isEqualTo("req-1");
        assertThat(taken().getHeaders().get("X-Request-Id")).as("the retry").isEqualTo("req-1");
        assertThat(taken().getHeaders().get("X-Request-Id")).as("the next call").isEqualTo("req-2");
    }

    @Test
    void noRequestIdMeansNoHeaderAndTheHeaderNameIsConfigurable() throws Exception {
        LivyClient quiet = LivyClient.builder()
                .baseUrl(server.url("/").toString())
                .requestIdSupplier(() -> null)
                .build();
        LivyClient renamed = LivyClient.builder()
                .baseUrl(server.url("/").toString())
                .requestIdHeader("X-Trace")
                .requestIdSupplier(() -> "t-1")
                .build();
        enqueue(200, BATCH);
        enqueue(200, BATCH);

        quiet.getBatch(3);
        renamed.getBatch(3);

        RecordedRequest first = taken();
        assertThat(first.getHeaders().get("X-Request-Id")).isNull();
        assertThat(first.getHeaders().get("X-Requested-By"))
                .as("a default value")
                .isEqualTo("livy-client");
        RecordedRequest second = taken();
        assertThat(second.getHeaders().get("X-Trace")).isEqualTo("t-1");
        assertThat(second.getHeaders().get("X-Request-Id")).isNull();
    }

    @Test
    void aCutConnectionIsATransportFailureRetriedForReads() {
        enqueueCut();
        enqueueCut();
        enqueueCut();

        assertThatThrownBy(() -> livy.listBatches(0, 10)).isInstanceOfSatisfying(LivyTransportException.class, e -> {
            assertThat(e.getMessage()).contains("GET").contains("/livy/batches?from=0&size=10");
            assertThat(e.isRetryable()).isTrue();
        });
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void aCreateIsNotSentAgainWhenItsPooledConnectionIsCut() {
        enqueue(200, BATCH);
        enqueueCut();
        livy.getBatch(3); // leaves a pooled keep-alive connection for the create to reuse

        assertThatThrownBy(() -> livy.createBatch(
                        CreateBatchRequest.builder().file("/x.py").build()))
                .isInstanceOf(LivyTransportException.class);
        assertThat(server.getRequestCount()).as("OkHttp's silent retry is off").isEqualTo(2);
    }

    @Test
    void aRefusedConnectionAndATimeoutAreTransportFailures() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        LivyClient nobody = LivyClient.builder()
                .baseUrl("http://127.0.0.1:" + closedPort)
                .maxRetries(1)
                .retryBackoff(Duration.ZERO)
                .build();
        assertThatThrownBy(() -> nobody.getBatch(1))
                .isInstanceOf(LivyTransportException.class)
                .hasCauseInstanceOf(ConnectException.class);

        LivyClient impatient = LivyClient.builder()
                .baseUrl(server.url("/").toString())
                .okHttpClient(shared)
                .readTimeout(Duration.ofMillis(200))
                .maxRetries(0)
                .build();
        server.enqueue(new MockResponse.Builder()
                .body(BATCH)
                .headersDelay(2, TimeUnit.SECONDS)
                .build());
        assertThatThrownBy(() -> impatient.getBatch(3))
                .isInstanceOf(LivyTransportException.class)
                .hasCauseInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aSuccessThatIsNotLivysJsonIsAnErrorNamingTheUrl() {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "text/html")
                .body("<html>Sign in to the gateway</html>")
                .build());
        enqueue(200, "{\"name\":\"no id\"}");

        assertThatThrownBy(() -> livy.getBatch(3))
                .isExactlyInstanceOf(LivyException.class)
                .hasMessageContaining("/livy/batches/3")
                .hasMessageContaining("not Livy's JSON")
                .hasMessageContaining("Sign in");
        assertThatThrownBy(() -> livy.getBatch(3))
                .isExactlyInstanceOf(LivyException.class)
                .hasMessageContaining("no numeric 'id'");
        assertThat(server.getRequestCount())
                .as("not retried: it will not change")
                .isEqualTo(2);
    }

    @Test
    void anErrorBodyIsKeptToOneKilobyte() {
        String big = "<html>" + "é".repeat(5000) + "</html>";
        server.enqueue(new MockResponse.Builder()
                .code(400)
                .setHeader("Content-Type", "text/html; charset=utf-8")
                .body(big)
                .build());

        assertThatThrownBy(() -> livy.createBatch(
                        CreateBatchRequest.builder().file("/x.py").build()))
                .isInstanceOfSatisfying(LivyClientException.class, e -> {
                    assertThat(e.bodySnippet().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                            .isBetween(1000, 1024);
                    assertThat(e.bodySnippet()).startsWith("<html>éé").doesNotContain("\uFFFD");
                });
    }

    @Test
    void aBaseUrlWithoutTrailingSlashKeepsItsPath() throws Exception {
        LivyClient gateway = LivyClient.builder()
                .baseUrl(server.url("/gateway/default/livy/v1").toString())
                .bearerToken("tok")
                .build();
        enqueue(200, "{\"id\":1,\"state\":\"dead\"}");

        gateway.getBatchState(1);

        RecordedRequest request = taken();
        assertThat(request.getTarget()).isEqualTo("/gateway/default/livy/v1/batches/1/state");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer tok");
    }

    @Test
    void basicAuthIsSentOnEveryCall() throws Exception {
        LivyClient withAuth = LivyClient.builder()
                .baseUrl(server.url("/").toString())
                .basicAuth("svc", "pw")
                .build();
        enqueue(200, "{\"from\":0,\"total\":0,\"sessions\":[]}");
        enqueue(200, "{\"msg\":\"deleted\"}");

        withAuth.listBatches(0, 1);
        withAuth.deleteBatch(1);

        assertThat(taken().getHeaders().get("Authorization")).isEqualTo("Basic c3ZjOnB3");
        assertThat(taken().getHeaders().get("Authorization")).isEqualTo("Basic c3ZjOnB3");
    }

    @Test
    void theBuilderFailsFastNamingWhatToFix() {
        assertThatThrownBy(() -> LivyClient.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("baseUrl is required");
        assertThatThrownBy(() -> LivyClient.builder().baseUrl("not a url"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> LivyClient.builder().baseUrl("http://u:p@emr:8998"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("basicAuth");
        assertThatThrownBy(() -> LivyClient.builder().baseUrl("http://emr:8998/?x=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query");
        assertThatThrownBy(() -> LivyClient.builder()
                        .baseUrl("http://emr:8998")
                        .basicAuth("a", "b")
                        .bearerToken("t")
                        .build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LivyClient.builder().maxRetries(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> LivyClient.builder().readTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readTimeout");
        assertThatThrownBy(() -> LivyClient.builder().requestedBy(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> livy.listBatches(-1, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from");
        assertThat(LivyClient.builder()
                        .baseUrl(" http://emr:8998 ")
                        .build()
                        .baseUrl()
                        .toString())
                .isEqualTo("http://emr:8998/");
    }

    @Test
    void aCreateRequestRefusesWhatLivyWouldRefuse() {
        assertThatThrownBy(() -> CreateBatchRequest.builder().name("x").build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("file == null");
        assertThatThrownBy(() -> CreateBatchRequest.builder().file(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("file is blank");
        assertThatThrownBy(() -> CreateBatchRequest.builder().name("12345"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("all digits");
        assertThatThrownBy(() -> CreateBatchRequest.builder().executorCores(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("executorCores");
        assertThatThrownBy(() -> CreateBatchRequest.builder().conf(java.util.Collections.singletonMap("k", null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("conf value of k");
    }
}
