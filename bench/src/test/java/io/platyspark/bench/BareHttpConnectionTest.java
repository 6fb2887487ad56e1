package io.platyspark.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bench's bare HTTP/1.1 client against OkHttp's MockWebServer, an HTTP server it did not write. */
class BareHttpConnectionTest {

    private final MockWebServer server = new MockWebServer();
    private BareHttpConnection connection;

    @BeforeEach
    void start() throws Exception {
        server.start();
        connection = new BareHttpConnection("http://" + server.getHostName() + ":" + server.getPort());
    }

    @AfterEach
    void stop() {
        connection.close();
        server.close();
    }

    private RecordedRequest taken() throws InterruptedException {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        return request;
    }

    @Test
    void keepsOneConnectionAndReadsStatusAndRetryAfter() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .addHeader("Retry-After", "2")
                .body("{\"type\":\"too-many-in-flight\"}")
                .build());
        server.enqueue(
                new MockResponse.Builder().code(202).body("{\"id\":\"x\"}").build());

        BareHttpConnection.Answer refused = connection.post("/api/v1/apps", "tok", "{\"name\":\"é\"}");
        BareHttpConnection.Answer accepted = connection.post("/api/v1/apps", "tok", "{\"name\":\"b\"}");

        assertThat(refused).isEqualTo(new BareHttpConnection.Answer(429, 2, "{\"type\":\"too-many-in-flight\"}"));
        assertThat(accepted).isEqualTo(new BareHttpConnection.Answer(202, 0, "{\"id\":\"x\"}"));
        RecordedRequest first = taken();
        RecordedRequest second = taken();
        assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer tok");
        assertThat(first.getHeaders().get("Content-Type")).isEqualTo("application/json");
        assertThat(first.getBody().utf8()).isEqualTo("{\"name\":\"é\"}");
        assertThat(second.getConnectionIndex()).isEqualTo(first.getConnectionIndex());
        assertThat(second.getExchangeIndex()).isEqualTo(1);
    }

    @Test
    void postAcceptedAnswersA202sBodyAndNamesAnyOtherAnswer() throws Exception {
        server.enqueue(
                new MockResponse.Builder().code(202).body("{\"id\":\"a\"}").build());
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .body("{\"title\":\"slow down\"}")
                .build());

        assertThat(connection.postAccepted("/api/v1/apps", "t", "{}")).isEqualTo("{\"id\":\"a\"}");
        assertThatThrownBy(() -> connection.postAccepted("/api/v1/apps", "t", "{}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("429")
                .hasMessageContaining("slow down");
    }

    @Test
    void readsAChunkedBodyToItsEndSoTheNextAnswerIsParsed() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(202)
                .chunkedBody("{\"id\":\"" + "x".repeat(5000) + "\"}", 7)
                .build());
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .addHeader("Retry-After", "1")
                .build());

        assertThat(connection.post("/a", "t", "{}").body()).isEqualTo("{\"id\":\"" + "x".repeat(5000) + "\"}");
        assertThat(connection.post("/a", "t", "{}")).isEqualTo(new BareHttpConnection.Answer(429, 1, ""));
        assertThat(taken().getConnectionIndex()).isEqualTo(taken().getConnectionIndex());
    }

    @Test
    void opensANewConnectionAfterTheServerClosesOne() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(202)
                .body("{}")
                .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
        server.enqueue(new MockResponse.Builder().code(202).body("{}").build());
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .addHeader("Connection", "close")
                .body("{}")
                .build());
        server.enqueue(new MockResponse.Builder().code(202).body("{}").build());

        for (int i = 0; i < 4; i++) {
            assertThat(connection.post("/a", "t", "{}").status()).isBetween(200, 202);
        }

        int[] connections = new int[4];
        for (int i = 0; i < 4; i++) {
            connections[i] = taken().getConnectionIndex();
        }
        assertThat(connections[1]).isNotEqualTo(connections[0]);
        assertThat(connections[2]).isEqualTo(connections[1]);
        assertThat(connections[3]).isNotEqualTo(connections[2]);
    }

    /**
     * The server closes after every other answer: the next request finds the socket half-closed (end of stream)
     * or reset (broken pipe) depending on timing; either way it is sent once more on a new connection.
     */
    @Test
    void sendsAgainOnANewConnectionHoweverAClosedOneFails() throws Exception {
        for (int i = 0; i < 50; i++) {
            server.enqueue(new MockResponse.Builder()
                    .code(202)
                    .body("{}")
                    .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
                    .build());
            server.enqueue(new MockResponse.Builder().code(429).body("{}").build());
        }

        for (int i = 0; i < 50; i++) {
            assertThat(connection.post("/a", "t", "{}").status()).isEqualTo(202);
            assertThat(connection.post("/a", "t", "{}").status()).isEqualTo(429);
        }

        assertThat(server.getRequestCount()).isEqualTo(100);
    }
}
