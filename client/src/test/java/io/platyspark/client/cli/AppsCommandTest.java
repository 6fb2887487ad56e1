package io.platyspark.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code platy apps get} and {@code platy apps logs} against a server whose answers the test sets. */
class AppsCommandTest {

    private final MockWebServer server = new MockWebServer();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        server.start(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int platy(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--server";
        all[1] = server.url("/").toString();
        all[2] = "--token";
        all[3] = "platy_t";
        System.arraycopy(args, 0, all, 4, args.length);
        return PlatyCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    }

    private static MockResponse json(int status, String contentType, String body) {
        return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", contentType)
                .body(body)
                .build();
    }

    private static String app(String state, String finishedAt) {
        return "{\"id\":\"a1\",\"name\":\"etl\",\"team\":\"data\",\"cluster\":\"emr\",\"state\":\"" + state + "\","
                + "\"attempts\":1,\"createdAt\":\"2026-03-01T08:00:00Z\",\"startedAt\":\"2026-03-01T08:00:05Z\","
                + "\"finishedAt\":" + (finishedAt == null ? "null" : "\"" + finishedAt + "\"") + "}";
    }

    @Test
    void getOfAnAppThatHasNotEndedSaysNothingOfAnEnd() {
        server.enqueue(json(200, "application/json", app("RUNNING", null)));

        int code = platy("apps", "get", "a1");

        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("a1  etl  team=data  cluster=emr  RUNNING")
                .doesNotContain("ended");
    }

    @Test
    void getOfAFinishedAppGivesItsEnd() {
        server.enqueue(json(200, "application/json", app("SUCCEEDED", "2026-03-01T08:01:05Z")));

        assertThat(platy("apps", "get", "a1")).isZero();

        assertThat(out.toString()).contains("app a1 ended SUCCEEDED in 60.0 s");
    }

    @Test
    void logsThatAreGonePrintTheReasonAndFail() {
        server.enqueue(json(
                410,
                "application/problem+json",
                "{\"type\":\"urn:platyspark:problem:logs-gone\","
                        + "\"title\":\"Logs gone\",\"status\":410,\"detail\":\"the logs of app a1 are gone: Livy on cluster "
                        + "'emr' no longer holds batch platy-a1\"}"));

        int code = platy("apps", "logs", "a1");

        assertThat(code).isEqualTo(PlatyCli.REFUSED);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString())
                .contains("error: the logs of app a1 are gone: Livy on cluster 'emr' no longer "
                        + "holds batch platy-a1");
    }
}
