package io.platyspark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlatyClientTest {

    private static final String APP = "{\"id\":\"a1\",\"name\":\"etl\",\"team\":\"data\",\"cluster\":\"local\","
            + "\"state\":\"PENDING\",\"attempts\":0,\"requestId\":\"r\",\"somethingNew\":1}";

    private final MockWebServer server = new MockWebServer();
    private PlatyClient client;

    @BeforeEach
    void start() throws Exception {
        server.start(0);
        client = PlatyClient.builder()
                .baseUrl(server.url("/").toString())
                .token("platy_t")
                .backoff(Duration.ofMillis(1))
                .readTimeout(Duration.ofMillis(500))
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    private static Model.SubmitRequest request() {
        return new Model.SubmitRequest(
                "etl", null, "local", "/opt/etl.py", null, List.of(), Map.of(), null, null, null, null);
    }

    @Test
    void problemsBecomeExceptionsWithTheServersDetailFieldAndRequestId() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(400)
                .setHeader("Content-Type", "application/problem+json")
                .setHeader("X-Request-Id", "rid-7")
                .body("{\"type\":\"urn:platyspark:problem:invalid-request\",\"title\":\"Invalid request\","
                        + "\"detail\":\"source: must be an absolute path\",\"field\":\"source\"}")
                .build());

        assertThatThrownBy(() -> client.submit(request(), "k1")).isInstanceOfSatisfying(PlatyApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.type()).isEqualTo("invalid-request");
            assertThat(e.field()).isEqualTo("source");
            assertThat(e.detail()).isEqualTo("source: must be an absolute path");
            assertThat(e.requestId()).isEqualTo("rid-7");
        });
        RecordedRequest sent = server.takeRequest();
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer platy_t");
        assertThat(sent.getHeaders().get("X-Request-Id")).isNotBlank();
        assertThat(sent.getHeaders().get("Idempotency-Key")).isEqualTo("k1");
    }

    @Test
    void aSubmitWhoseAnswerWasLostIsRetriedWithTheSameKeyAndRequestId() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .onResponseStart(new SocketEffect.CloseSocket())
                .build());
        server.enqueue(json(200, APP));

        Model.App app = client.submit(request(), "same-key");

        RecordedRequest first = server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertThat(app.id()).isEqualTo("a1");
        assertThat(second.getHeaders().get("Idempotency-Key"))
                .isEqualTo(first.getHeaders().get("Idempotency-Key"))
                .isEqualTo("same-key");
        assertThat(second.getHeaders().get("X-Request-Id"))
                .isEqualTo(first.getHeaders().get("X-Request-Id"));
    }

    @Test
    void aRefusedReadIsRetriedNoSoonerThanTheServersRetryAfter() {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .setHeader("Content-Type", "application/problem+json")
                .setHeader("Retry-After", "1")
                .body("{\"type\":\"urn:platyspark:problem:too-many-in-flight\",\"detail\":\"busy\"}")
                .build());
        server.enqueue(json(200, APP));

        long start = System.nanoTime();
        assertThat(client.app("a1").state()).isEqualTo(Model.AppState.PENDING);

        // The client's own backoff here is 1 ms: the wait is the server's second (and at most half a second more).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3));
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aRefusalThatIsNotRetriedTellsTheCallerWhenToTryAgain() {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .setHeader("Content-Type", "application/problem+json")
                .setHeader("Retry-After", "30")
                .body("{\"type\":\"urn:platyspark:problem:quota-exceeded\",\"detail\":\"over\"}")
                .build());

        assertThatThrownBy(() -> client.createToken("t", "data", false, null))
                .isInstanceOfSatisfying(PlatyApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
                });
    }

    @Test
    void readsAreRetriedOnUnavailableButRefusalsAreNot() {
        server.enqueue(json(503, "{\"detail\":\"backend unavailable\"}"));
        server.enqueue(json(200, APP));
        assertThat(client.app("a1").state()).isEqualTo(Model.AppState.PENDING);

        server.enqueue(json(409, "{\"type\":\"urn:platyspark:problem:app-already-finished\",\"detail\":\"ended\"}"));
        server.enqueue(json(200, APP.replace("PENDING", "FAILED")));
        assertThatThrownBy(() -> client.kill("a1")).isInstanceOf(PlatyApiException.class);
        assertThat(server.getRequestCount())
                .as("the DELETE once, then a look at the app")
                .isEqualTo(4);
    }

    @Test
    void theLogFollowerPagesByNextFromAndNeverRepeatsALine() {
        server.enqueue(json(
                200,
                "{\"appId\":\"a1\",\"from\":0,\"total\":3,\"nextFrom\":2,\"lines\":["
                        + "{\"stream\":\"stdout\",\"text\":\"a\"},{\"stream\":\"stderr\",\"text\":\"b\"}]}"));
        server.enqueue(json(
                200,
                "{\"appId\":\"a1\",\"from\":2,\"total\":3,\"nextFrom\":3,\"lines\":["
                        + "{\"stream\":\"stdout\",\"text\":\"c\"}]}"));
        server.enqueue(json(200, "{\"appId\":\"a1\",\"from\":3,\"total\":3,\"nextFrom\":3,\"lines\":[]}"));
        PlatyClient.LogFollower follower = new PlatyClient.LogFollower(client, "a1");

        List<Model.LogLine> first = follower.poll();
        List<Model.LogLine> second = follower.poll();

        assertThat(first).extracting(Model.LogLine::text).containsExactly("a", "b", "c");
        assertThat(second).isEmpty();
    }

    @Test
    void aKillRetriedAfterItsAnswerWasLostFindsTheAppKilledAndSucceeds() {
        MockResponse finished = new MockResponse.Builder()
                .code(409)
                .setHeader("Content-Type", "application/problem+json")
                .body("{\"type\":\"urn:platyspark:problem:app-already-finished\",\"title\":\"App already finished\","
                        + "\"detail\":\"app a1 is KILLED; there is nothing to kill\",\"state\":\"KILLED\"}")
                .build();
        server.enqueue(finished);
        server.enqueue(json(200, APP.replace("PENDING", "KILLED")));
        server.enqueue(finished);
        server.enqueue(json(200, APP.replace("PENDING", "SUCCEEDED")));

        assertThat(client.kill("a1").state()).isEqualTo(Model.AppState.KILLED);
        assertThatThrownBy(() -> client.kill("a1"))
                .as("it ended otherwise: the refusal stands")
                .isInstanceOf(PlatyApiException.class);
    }

    @Test
    void aStateThisSdkDoesNotKnowReadsAsUnknownNotAnError() {
        server.enqueue(json(200, APP.replace("PENDING", "SOMETHING_NEWER")));

        Model.App app = client.app("a1");

        assertThat(app.state()).isEqualTo(Model.AppState.UNKNOWN);
        assertThat(app.finished()).isFalse();
    }

    @Test
    void theBuilderRefusesBadValuesAtOnce() {
        PlatyClient.Builder builder = PlatyClient.builder();
        assertThatThrownBy(() -> builder.baseUrl("localhost:8080")).hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> builder.baseUrl(null)).hasMessage("url == null");
        assertThatThrownBy(() -> builder.token("platy_a b")).hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> builder.token("")).hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> builder.readTimeout(Duration.ZERO)).hasMessageContaining("readTimeout must be");
        assertThatThrownBy(() -> builder.connectTimeout(Duration.ofSeconds(-1))).hasMessageContaining("positive");
        assertThatThrownBy(() -> builder.maxRetries(-1)).hasMessageContaining("maxRetries < 0");
        assertThatThrownBy(() -> builder.backoff(Duration.ofMillis(-1))).hasMessageContaining("backoff < 0");
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("baseUrl == null")
                .message()
                .doesNotContain("--");
    }

    @Test
    void aSharedOkHttpClientIsUsedWithItsInterceptors() throws Exception {
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        okhttp3.OkHttpClient shared = new okhttp3.OkHttpClient.Builder()
                .addInterceptor(chain -> {
                    seen.incrementAndGet();
                    return chain.proceed(chain.request()
                            .newBuilder()
                            .header("X-Shared", "yes")
                            .build());
                })
                .build();
        PlatyClient withShared = PlatyClient.builder()
                .baseUrl(server.url("/").toString())
                .token("platy_t")
                .httpClient(shared)
                .build();
        server.enqueue(json(200, APP));

        withShared.app("a1");

        assertThat(seen).hasValue(1);
        assertThat(server.takeRequest().getHeaders().get("X-Shared")).isEqualTo("yes");
    }
}
