package io.platyspark.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pyspark's History Server as the embedded mode runs it: one per directory in a JVM, stopped by its last user. */
class LocalHistoryServerTest {

    static final String PYTHON = System.getProperty("platy.test.python", "python3");

    @TempDir
    Path dir;

    @Test
    void startsOnceServesAndIsStoppedByItsLastUser() throws Exception {
        Path home = SparkSubmitLocator.locateSparkHome(null, null, PYTHON)
                .orElseThrow(() -> new AssertionError("no pyspark for " + PYTHON));
        Path events = dir.resolve("event-logs");

        LocalHistoryServer first = LocalHistoryServer.start(home, events, "localhost", 0, dir.resolve("hs"));
        LocalHistoryServer second = LocalHistoryServer.start(home, events, "localhost", 0, dir.resolve("hs"));

        assertThat(second.url()).as("the second user joins the running server").isEqualTo(first.url());
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(http.send(
                                        HttpRequest.newBuilder(URI.create(first.url() + "/api/v1/applications"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .isEqualTo(200));

        first.stop();
        first.stop(); // once per user
        assertThat(LocalHistoryServer.running(events)).isTrue();
        second.stop();
        assertThat(LocalHistoryServer.running(events)).isFalse();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ProcessHandle.allProcesses()
                                .filter(p -> p.info()
                                        .commandLine()
                                        .orElse("")
                                        .contains(events.toUri().toString())))
                        .as("no History Server left on %s", events)
                        .isEmpty());
    }
}
