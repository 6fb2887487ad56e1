package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.platyspark.core.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every request the server refuses — by Tomcat, by Spring Security's firewall, by Spring MVC or by a size limit —
 * is a 4xx problem+json with a {@code type} and the {@code requestId}, and the refused value is never logged.
 * With the default limits (1 MB JSON, 512 MB uploads).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN, "platy.submission.enabled=false"
        })
class HttpEdgeTest {

    @TempDir
    static Path artifacts;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("platy.artifacts.local-dir", artifacts::toString);
    }

    @LocalServerPort
    int port;

    ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void captureLogs() {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void stopCapturing() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private RawHttp.Answer get(String target, String... extraHeaders) {
        StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                + "Bearer " + ApiClient.ADMIN_TOKEN);
        for (String header : extraHeaders) {
            head.append("\r\n").append(header);
        }
        return RawHttp.send(port, head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void assertProblem(RawHttp.Answer answer, int status, String type) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).as(answer.body()).startsWith("application/problem+json");
        JsonNode body = answer.json();
        assertThat(body.get("type").asString()).isEqualTo("urn:platyspark:problem:" + type);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("requestId").asString())
                .isNotBlank()
                .isEqualTo(answer.headers().get("x-request-id"));
    }

    @Test
    void aQueryTomcatCannotParseIs400NotA500() {
        assertProblem(get("/api/v1/apps?=x"), 400, "malformed-query");
        assertProblem(get("/api/v1/apps?a=%zz-raw-secret"), 400, "malformed-query");
        assertProblem(get("/list_apps?cluster_name=%zz"), 400, "malformed-query");
        assertNotLogged("raw-secret", "InvalidParameterException");
    }

    @Test
    void whatSpringSecuritysFirewallRejectsIs400() {
        assertProblem(get("/api/v1/apps;x=1"), 400, "request-rejected");
        assertProblem(get("/api/v1/%2e%2e/api/v1/apps"), 400, "request-rejected");
        // An unauthenticated caller gets the same answer: the firewall runs before the token check.
        assertProblem(
                RawHttp.send(
                        port, "GET /api;x=1/v1/apps HTTP/1.1\r\nHost: localhost".getBytes(StandardCharsets.ISO_8859_1)),
                400,
                "request-rejected");
    }

    @Test
    void whatTomcatRefusesIsProblemJsonToo() {
        assertProblem(get("/api/v1/apps?x=<raw-secret>"), 400, "bad-request");
        assertProblem(get("/api/v1/a{pps"), 400, "bad-request");
        assertProblem(get("/api/v1/apps%2Fx"), 400, "bad-request");
        assertProblem(
                RawHttp.send(
                        port,
                        "GET /api/v1/apps HTTP/1.1\r\nHost: localhost\r\nBad Header: x"
                                .getBytes(StandardCharsets.ISO_8859_1)),
                400,
                "bad-request");
        assertNotLogged("raw-secret");
    }

    @Test
    void aNonAsciiIdempotencyKeyIs400NamingTheHeader() {
        byte[] body =
                "{\"name\":\"x\",\"cluster\":\"local\",\"source\":\"/tmp/x.py\"}".getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /api/v1/apps HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ApiClient.ADMIN_TOKEN
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nIdempotency-Key: k\u00e9y\u00ff")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + 4 + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0, request, head.length, 4);
        System.arraycopy(body, 0, request, head.length + 4, body.length);
        // RawHttp.send adds Connection: close after the head; here the body follows, so send it whole.
        RawHttp.Answer answer = RawHttp.Answer.parse(sendWhole(request));

        assertProblem(answer, 400, "invalid-request");
        assertThat(answer.json().get("field").asString()).isEqualTo("Idempotency-Key");
    }

    private byte[] sendWhole(byte[] request) {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.getOutputStream().write(request);
            socket.shutdownOutput();
            return socket.getInputStream().readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void springMvcRefusalsCarryATypeAndTheRequestId() {
        ApiClient api = new ApiClient(port);
        ApiClient.Response unknownPath = api.get("/api/v1/nope");
        RawHttp.Answer unsupported = RawHttp.Answer.parse(sendWhole(("POST /api/v1/apps HTTP/1.1\r\nHost: localhost"
                        + "\r\nAuthorization: Bearer " + ApiClient.ADMIN_TOKEN + "\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 6\r\n\r\nname=x")
                .getBytes(StandardCharsets.ISO_8859_1)));
        assertProblem(unsupported, 415, "unsupported-media-type");
        ApiClient.Response notAllowed = api.post("/api/v1/apps/" + java.util.UUID.randomUUID(), Map.of(), Map.of());

        for (var refused : List.of(Map.entry(unknownPath, "not-found"), Map.entry(notAllowed, "method-not-allowed"))) {
            ApiClient.Response r = refused.getKey();
            assertThat(r.contentType()).as(r.raw()).startsWith("application/problem+json");
            assertThat(r.body().get("type").asString())
                    .as(r.raw())
                    .isEqualTo("urn:platyspark:problem:" + refused.getValue());
            assertThat(r.body().get("requestId").asString()).isEqualTo(r.requestId());
        }
        assertThat(List.of(unknownPath.status(), notAllowed.status())).containsExactly(404, 405);
    }

    @Test
    void fuzzFindingsStayFixed() {
        // Schemathesis: a multipart Content-Type without a boundary was parsed (no endpoint takes multipart): 500.
        RawHttp.Answer multipart = RawHttp.Answer.parse(sendWhole(("POST /api/v1/admin/tokens HTTP/1.1\r\nHost: "
                        + "localhost\r\nAuthorization: Bearer " + ApiClient.ADMIN_TOKEN + "\r\nContent-Type: "
                        + "multipart/form-data\r\nContent-Length: 2\r\n\r\n{}")
                .getBytes(StandardCharsets.ISO_8859_1)));
        // The error page called by name was a 500.
        RawHttp.Answer errorPage = get("/error");

        assertProblem(multipart, 415, "unsupported-media-type");
        assertProblem(errorPage, 404, "not-found");
    }

    @Test
    void aFractionForAWholeNumberIs400NamingTheField() {
        ApiClient admin = new ApiClient(port);
        // Used to be truncated to 1 day in silence: one global coercion rule, so every integer field refuses it.
        ApiClient.Response refused = admin.post(
                "/api/v1/admin/tokens", Map.of("name", "fractional", "team", "team-a", "ttlDays", 1.5), Map.of());
        ApiClient.Response logs = admin.get("/api/v1/apps/" + java.util.UUID.randomUUID() + "/logs?size=1.5");

        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.body().get("field").asString()).isEqualTo("ttlDays");
        assertThat(refused.body().get("detail").asString()).contains("whole number");
        assertThat(admin.get("/api/v1/admin/tokens").raw()).doesNotContain("fractional");
        assertThat(logs.status()).as(logs.raw()).isEqualTo(400);
        assertThat(logs.body().get("field").asString()).isEqualTo("size");
    }

    @Test
    void aChunkedJsonBodyOverTheLimitIs413() throws Exception {
        // 10 MB without a Content-Length: used to be read into the parser and answered 400 naming args[130].
        byte[] prefix = "{\"name\":\"x\",\"cluster\":\"local\",\"source\":\"/tmp/x.py\",\"args\":[\""
                .getBytes(StandardCharsets.UTF_8);
        RawHttp.Answer answer = RawHttp.sendChunked(
                port,
                "POST /api/v1/apps HTTP/1.1",
                "Authorization: Bearer " + ApiClient.ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n",
                prefix,
                (byte) 'a',
                10L * 1024 * 1024);

        assertProblem(answer, 413, "body-too-large");
        assertThat(answer.json().get("detail").asString()).contains("platy.security.max-request-size");
        ApiClient.Response apps = new ApiClient(port).get("/api/v1/apps");
        assertThat(apps.body().get("items")).as(apps.raw()).isEmpty();
    }

    @Test
    void aChunkedUploadOverTheLimitIs413AndStoresNothing() throws Exception {
        // 600 MB against the 512 MB default, streamed: used to be a 500 with Spring's default body.
        RawHttp.Answer answer = RawHttp.sendChunked(
                port,
                "POST /api/v1/artifacts?name=big.zip HTTP/1.1",
                "Authorization: Bearer " + ApiClient.ADMIN_TOKEN + "\r\nContent-Type: application/octet-stream\r\n",
                new byte[0],
                (byte) 'z',
                600L * 1024 * 1024);

        assertProblem(answer, 413, "body-too-large");
        assertThat(answer.json().get("detail").asString()).contains("platy.artifacts.max-upload-size");
        try (Stream<Path> stored = Files.walk(artifacts)) {
            assertThat(stored.filter(Files::isRegularFile))
                    .as("nothing half-written")
                    .isEmpty();
        }
    }

    private void assertNotLogged(String... fragments) {
        for (ILoggingEvent event : logs.list) {
            StringBuilder text = new StringBuilder(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
            }
            for (String fragment : fragments) {
                assertThat(text.toString())
                        .as("a log line quotes the refused request")
                        .doesNotContain(fragment);
            }
        }
    }
}
