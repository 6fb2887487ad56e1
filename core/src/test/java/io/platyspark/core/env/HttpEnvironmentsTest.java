package io.platyspark.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.backend.TargetPlatform;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The app-builder's answers as spark-server reads them: a build, a refusal naming its reason, an unknown build, and
 * an outage or an unreadable answer, which must never look like "not found" or a refusal.
 */
class HttpEnvironmentsTest {

    private static final UUID ID = UUID.fromString("0b3f5d7e-1111-4222-8333-944455556666");
    private static final String READY = "{\"id\":\"" + ID + "\",\"state\":\"READY\",\"uri\":\"s3://b/envs/k/environment"
            + ".tar.gz\",\"sizeBytes\":1234,\"durationMs\":5678,\"error\":null,\"log\":\"ok\",\"requirements\":"
            + "[\"tabulate==0.9.0\"],\"pythonVersion\":\"3.12\",\"platform\":\"aarch64\",\"createdAt\":"
            + "\"2026-11-30T01:02:03Z\",\"updatedAt\":\"2026-11-30T01:02:09Z\",\"somethingNew\":true}";

    private final MockWebServer server = new MockWebServer();
    private HttpEnvironments envs;

    @BeforeEach
    void start() throws Exception {
        server.start(0);
        envs = new HttpEnvironments(URI.create(server.url("/").toString()), "platy_builder");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static MockResponse problem(int status, String body) {
        return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", "application/problem+json")
                .body(body)
                .build();
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    @Test
    void aRequestSendsTheSpecAndReadsTheBuildBack() throws Exception {
        server.enqueue(json(202, READY));

        EnvBuild build = envs.request(
                envs.spec(List.of("tabulate==0.9.0"), new PythonTarget(TargetPlatform.AARCH64, "3.9", "/usr")), "data");

        RecordedRequest sent = server.takeRequest();
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer platy_builder");
        assertThat(sent.getBody().utf8())
                .as("the nodes' target goes to the builder")
                .isEqualTo("{\"requirements\":[\"tabulate==0.9.0\"],\"pythonVersion\":\"3.9\",\"platform\":\"aarch64\","
                        + "\"pythonPrefix\":\"/usr\"}");
        assertThat(build.id()).isEqualTo(ID);
        assertThat(build.team()).isEqualTo("data");
        assertThat(build.state()).isEqualTo(EnvBuild.State.READY);
        assertThat(build.uri()).isEqualTo("s3://b/envs/k/environment.tar.gz");
        assertThat(build.sizeBytes()).isEqualTo(1234L);
        assertThat(build.spec().pythonVersion()).isEqualTo("3.12");
        assertThat(build.spec().platform()).isEqualTo(TargetPlatform.AARCH64);
        assertThat(build.createdAt()).isEqualTo(Instant.parse("2026-11-30T01:02:03Z"));
    }

    @Test
    void aRefusalCarriesTheBuildersReason() {
        server.enqueue(problem(400, "{\"detail\":\"no Python 3.9 here\",\"field\":\"pythonVersion\"}"));

        assertThatThrownBy(() -> envs.request(envs.spec(List.of("x==1"), "3.9", null), "data"))
                .isInstanceOf(EnvBuildException.class)
                .hasMessage("no Python 3.9 here");
    }

    @Test
    void anUnknownBuildIsEmptyButAnOutageOrAGarbledAnswerIsUnavailable() throws Exception {
        server.enqueue(problem(404, "{\"detail\":\"no such build\"}"));
        server.enqueue(new MockResponse.Builder()
                .code(404)
                .setHeader("Content-Type", "text/html")
                .body("<html>nginx: not found</html>")
                .build());
        server.enqueue(new MockResponse.Builder()
                .code(502)
                .setHeader("Content-Type", "text/html")
                .body("<html>Bad Gateway</html>")
                .build());
        server.enqueue(json(503, "{\"detail\":\"starting\"}"));
        server.enqueue(json(200, "{\"id\":\"" + ID + "\",\"state\":\"HALF_DONE\"}"));

        assertThat(envs.get(ID)).isEmpty();
        assertThatThrownBy(() -> envs.get(ID))
                .as("a proxy's 404 page")
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("404");
        assertThatThrownBy(() -> envs.request(envs.spec(List.of("x==1"), null, null), "data"))
                .as("a proxy's 502 page")
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("502");
        assertThatThrownBy(() -> envs.get(ID))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("503");
        assertThatThrownBy(() -> envs.get(ID))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("cannot read");

        server.close();
        assertThatThrownBy(() -> envs.get(ID)).isInstanceOf(BackendUnavailableException.class);
    }
}
