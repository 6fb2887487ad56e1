package io.platyspark.livy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every call and error path against a real socket. */
class LivyClientTest {

    private static final String BATCH = """
            {"id":3,"name":"platy-1","owner":null,"proxyUser":null,"state":"running",
             "appId":"application_1700000000000_0004",
             "appInfo":{"driverLogUrl":"http://node:8042/logs","sparkUiUrl":"http://master:20888/proxy/app/",
                        "executorLogUrls":"x"},
             "log":["stdout: ","hello"],"somethingNew":true}""";

    private final MockWebServer server = new MockWebServer();
    private final JsonMapper json = new JsonMapper();
    private final OkHttpClient shared = new OkHttpClient();
    private LivyClient livy;

    @BeforeEach
    void start() throws Exception {
        server.start(0);
        livy = LivyClient.builder().baseUrl(server.url("/livy/").toString()).okHttpClient(shared)
                .requestedBy("platyspark").requestIdSupplier(() -> "req-42").maxRetries(2)
                .retryBackoff(Duration.ofMillis(1)).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void enqueue(int status, String body) {
        server.enqueue(new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
                .body(body).build());
    }

    private RecordedRequest taken() throws InterruptedException {
        return server.takeRequest();
    }

    @Test
    void createSendsOnlyTheFieldsSetWithCsrfAndRequestIdHeaders() throws Exception {
        enqueue(201, BATCH);

        Batch batch = livy.createBatch(CreateBatchRequest.builder().file("s3://b/app.py").name("platy-1")
                .args(List.of("--day", "1")).pyFiles(List.of("s3://b/deps.zip")).conf(Map.of("spark.x", "1"))
                .driverCores(2).queue("root.teams.a").jars(List.of()).build());

        RecordedRequest request = taken();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/livy/batches");
        assertThat(request.getHeaders().get("X-Requested-By")).isEqualTo("platyspark");
        assertThat(request.getHeaders().get("X-Request-Id")).isEqualTo("req-42");
        JsonNode sent = json.readTree(request.getBody().utf8());
        assertThat(sent.propertyNames()).containsExactly("file", "name", "args", "pyFiles", "conf", "driverCores",
                "queue");
        assertThat(sent.get("driverCores").isInt()).isTrue();
        assertThat(batch.id()).isEqualTo(3);
        assertThat(batch.state()).isEqualTo(BatchState.RUNNING);
        assertThat(batch.appId()).isEqualTo("application_1700000000000_0004");
        assertThat(batch.appInfo().sparkUiUrl()).isEqualTo("http://master:20888/proxy/app/");
        assertThat(batch.appInfo().other()).containsEntry("executorLogUrls", "x");
        assertThat(batch.log()).containsExactly("stdout: ", "hello");
    }

    @Test
    void readsListStateAndLogPages() throws Exception {
        enqueue(200, "{\"from\":100,\"total\":250,\"sessions\":[" + BATCH + "]}");
        enqueue(200, "{\"id\":3,\"state\":\"success\"}");
        enqueue(200, "{\"id\":3,\"from\":85,\"total\":88,\"log\":[\"a\",\"b\",\"c\"]}");
        enqueue(200, BATCH);

        BatchPage page = livy.listBatches(100, 50);
        BatchStateResponse state = livy.getBatchState(3);
        BatchLog log = livy.getBatchLog(3, -1, 3);
        Batch byName = livy.findBatchByName("platy-1").orElseThrow();

        assertThat(page.total()).isEqualTo(250);
        assertThat(page.sessions()).extracting(Batch::name).containsExactly("platy-1");
        assertThat(taken().getUrl().toString()).endsWith("/livy/batches?from=100&size=50");
        assertThat(state.state()).isEqualTo(BatchState.SUCCESS);
        assertThat(taken().getUrl().encodedPath()).isEqualTo("/livy/batches/3/state");
        assertThat(log.from()).isEqualTo(85);
        assertThat(log.total()).isEqualTo(88);
        assertThat(log.log()).containsExactly("a", "b", "c");
        assertThat(taken().getUrl().toString()).endsWith("/livy/batches/3/log?from=-1&size=3");
        assertThat(byName.id()).isEqualTo(3);
        assertThat(taken().getUrl().encodedPath()).isEqualTo("/livy/batches/platy-1");
    }

    @Test
    void anUnknownStateIsToleratedNotFatal() {
        enqueue(200, "{\"from\":0,\"total\":2,\"sessions\":[{\"id\":0,\"state\":\"levitating\"},{\"id\":1,"
                + "\"state\":\"dead\",\"appInfo\":null}]}");

        BatchPage page = livy.listBatches(0, 100);

        assertThat(page.sessions()).extracting(Batch::state).containsExactly(BatchState.UNKNOWN, BatchState.DEAD);
        assertThat(page.sessions().get(1).appInfo()).isEqualTo(AppInfo.EMPTY);
    }

    @Test
    void notFoundIsItsOwnTypeAndAnEmptyLookup() {
        enqueue(404, "{\"msg\":\"Session '7' not found.\"}");
        enqueue(404, "{\"msg\":\"Session 'platy-x' not found.\"}");

        assertThatThrownBy(() -> livy.getBatch(7)).isInstanceOfSatisfying(LivyNotFoundException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.livyMessage()).isEqualTo("Session '7' not found.");
            assertThat(e.getMessage()).contains("GET").contains("/livy/batches/7");
        });
        assertThat(livy.findBatchByName("platy-x")).isEmpty();
        assertThatThrownBy(() -> livy.findBatchByName("123")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clientErrorsCarryLivysWordsWhetherObjectOrBareString() {
        enqueue(400, "\"Unrecognized field \\\"fil\\\" (class CreateBatchRequest), not marked as ignorable\"");
        enqueue(400, "{\"msg\":\"Rejected, too many sessions are being created!\"}");
        enqueue(400, "<html><body>Missing Required Header for CSRF protection.</body></html>");
        CreateBatchRequest request = CreateBatchRequest.builder().file("/x.py").build();

        assertThatThrownBy(() -> livy.createBatch(request)).isInstanceOfSatisfying(LivyClientException.class, e -> {
            assertThat(e.livyMessage()).startsWith("Unrecognized field \"fil\"");
            assertThat(e.isRetryable()).isFalse();
        });
        assertThatThrownBy(() -> livy.createBatch(request)).isInstanceOfSatisfying(LivyClientException.class,
                e -> assertThat(e.isRetryable()).as("Livy's creation limit").isTrue());
        assertThatThrownBy(() -> livy.createBatch(request)).isInstanceOfSatisfying(LivyClientException.class, e -> {
            assertThat(e.livyMessage()).isNull();
            assertThat(e.bodySnippet()).contains("CSRF");
        });
    }

    @Test
    void serverErrorsAreRetriedForReadsButNeverForCreates() throws Exception {
        enqueue(500, "\"Cannot deserialize value of type `int`\"");
        assertThatThrownBy(() -> livy.createBatch(CreateBatchRequest.builder().file("/x.py").build()))
                .isInstanceOfSatisfying(LivyServerException.class, e -> assertThat(e.status()).isEqualTo(500));
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
    void aCutConnectionIsATransportFailure() {
        MockResponse cut = new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build();
        server.enqueue(cut);
        server.enqueue(cut);
        server.enqueue(cut);

        assertThatThrownBy(() -> livy.listBatches(0, 10)).isInstanceOf(LivyTransportException.class)
                .hasMessageContaining("GET");
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void authAndBuilderChecks() throws Exception {
        LivyClient withAuth = LivyClient.builder().baseUrl(server.url("/").toString()).basicAuth("svc", "pw").build();
        enqueue(200, "{\"msg\":\"deleted\"}");
        withAuth.deleteBatch(1);

        RecordedRequest delete = taken();
        assertThat(delete.getMethod()).isEqualTo("DELETE");
        assertThat(delete.getHeaders().get("Authorization")).isEqualTo("Basic c3ZjOnB3");
        assertThat(delete.getHeaders().get("X-Requested-By")).isNotNull();
        assertThatThrownBy(() -> LivyClient.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LivyClient.builder().baseUrl("not a url")).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> CreateBatchRequest.builder().name("x").build())
                .isInstanceOf(NullPointerException.class).hasMessage("file == null");
    }
}
