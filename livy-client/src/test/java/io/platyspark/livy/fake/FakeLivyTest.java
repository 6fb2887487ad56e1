package io.platyspark.livy.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.livy.Batch;
import io.platyspark.livy.BatchLog;
import io.platyspark.livy.BatchState;
import io.platyspark.livy.CreateBatchRequest;
import io.platyspark.livy.LivyClient;
import io.platyspark.livy.LivyClientException;
import io.platyspark.livy.LivyNotFoundException;
import io.platyspark.livy.LivyServerException;
import io.platyspark.livy.LivyTransportException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake behaves as LIVY-PROTOCOL.md says real Livy does. */
class FakeLivyTest {

    private final FakeLivy fake = new FakeLivy();
    private final LivyClient livy = LivyClient.builder().baseUrl(fake.url()).maxRetries(0).build();

    @AfterEach
    void stop() {
        fake.close();
    }

    private Batch create(String name) {
        return livy.createBatch(CreateBatchRequest.builder().file("s3://b/app.py").name(name).build());
    }

    private HttpResponse<String> raw(String method, String path, String body, boolean csrfHeader) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (csrfHeader) {
            request.header("X-Requested-By", "test");
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void idsFromZeroLookupByNameAndTheStateMachineTheTestDrives() {
        Batch first = create("platy-a");
        Batch second = create("platy-b");
        fake.setState(second.id(), BatchState.RUNNING);

        assertThat(first.id()).isZero();
        assertThat(first.state()).isEqualTo(BatchState.STARTING);
        Batch running = livy.findBatchByName("platy-b").orElseThrow();
        assertThat(running.id()).isEqualTo(1);
        assertThat(running.appId()).startsWith("application_");
        assertThat(running.appInfo().sparkUiUrl()).contains(running.appId());
        assertThat(livy.getBatchState(1).state()).isEqualTo(BatchState.RUNNING);
    }

    @Test
    void pagingCountsEveryBatchInTotal() {
        for (int i = 0; i < 7; i++) {
            create("platy-" + i);
        }

        var page = livy.listBatches(5, 3);

        assertThat(page.total()).isEqualTo(7);
        assertThat(page.from()).isEqualTo(5);
        assertThat(page.sessions()).extracting(Batch::id).containsExactly(5L, 6L);
        assertThat(fake.listCalls()).isEqualTo(1);
    }

    @Test
    void theLogHasStreamMarkersAndAWrappingBuffer() {
        fake.logBufferSize(20);
        Batch batch = create("platy-log");
        for (int i = 0; i < 30; i++) {
            fake.appendStdout(batch.id(), "out " + i);
        }
        fake.appendStderr(batch.id(), "err 0");
        fake.setDiagnostics(batch.id(), "Application failed 2 times");

        BatchLog last = livy.getBatchLog(batch.id(), -1, 4);
        BatchLog head = livy.getBatchLog(batch.id(), 0, 3);

        assertThat(last.total()).as("buffer of 20").isEqualTo(20);
        assertThat(last.log()).containsExactly("\nstderr: ", "err 0", "\nYARN Diagnostics: ",
                "Application failed 2 times");
        assertThat(head.log()).as("the oldest lines fell out").containsExactly("out 14", "out 15", "out 16");
    }

    @Test
    void refusalsAreShapedLikeLivys() throws Exception {
        create("platy-dup");

        assertThatThrownBy(() -> create("platy-dup")).isInstanceOfSatisfying(LivyClientException.class,
                e -> assertThat(e.livyMessage()).startsWith("Duplicate session name"));
        // The client's builder refuses an all-digit name before sending; Livy refuses it too.
        assertThat(raw("POST", "/batches", "{\"file\":\"/a.py\",\"name\":\"12345\"}", true).statusCode())
                .isEqualTo(400);
        HttpResponse<String> unknownField = raw("POST", "/batches", "{\"file\":\"/a.py\",\"fil\":1}", true);
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.body()).startsWith("\"Unrecognized field \\\"fil\\\"");
        HttpResponse<String> wrongType = raw("POST", "/batches", "{\"file\":\"/a.py\",\"driverCores\":\"2\"}", true);
        assertThat(wrongType.statusCode()).isEqualTo(500);
        HttpResponse<String> noCsrf = raw("POST", "/batches", "{\"file\":\"/a.py\"}", false);
        assertThat(noCsrf.statusCode()).isEqualTo(400);
        assertThat(noCsrf.body()).contains("CSRF");
        HttpResponse<String> notFound = raw("GET", "/batches/99", null, false);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("{\"msg\":\"Session '99' not found.\"}");
        assertThat(raw("GET", "/batches?from=x", null, false).statusCode()).isEqualTo(400);
    }

    @Test
    void deleteRemovesTheBatchAndFinishedBatchesArePurgedAfterRetention() {
        Clock[] now = {Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)};
        fake.clock(new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0].instant();
            }
        }).retention(Duration.ofSeconds(600));
        Batch deleted = create("platy-del");
        Batch done = create("platy-done");
        fake.setState(done.id(), BatchState.SUCCESS);

        livy.deleteBatch(deleted.id());
        assertThatThrownBy(() -> livy.getBatch(deleted.id())).isInstanceOf(LivyNotFoundException.class);
        now[0] = Clock.offset(now[0], Duration.ofSeconds(599));
        assertThat(livy.getBatch(done.id()).state()).isEqualTo(BatchState.SUCCESS);
        now[0] = Clock.offset(now[0], Duration.ofSeconds(1));
        assertThat(livy.findBatchByName("platy-done")).as("purged").isEmpty();
    }

    @Test
    void aRejectedBatchStaysStartingAndARestartForgetsEverything() {
        fake.rejectNextCreate("queue root.x does not exist");
        Batch rejected = create("platy-rej");
        create("platy-other");

        assertThat(livy.getBatch(rejected.id()).state()).isEqualTo(BatchState.STARTING);
        assertThat(livy.getBatchLog(rejected.id(), 0, 100).log()).contains("Rejected, Reason: queue root.x does "
                + "not exist");

        fake.restart();
        assertThat(livy.listBatches(0, 100).total()).isZero();
        assertThat(create("platy-new").id()).as("ids start again").isZero();
    }

    @Test
    void injectedFailuresAndCutConnections() {
        fake.failNext(1, 503);
        assertThatThrownBy(() -> livy.listBatches(0, 10)).isInstanceOf(LivyServerException.class);
        assertThat(livy.listBatches(0, 10).total()).isZero();

        fake.dropConnections(true);
        assertThatThrownBy(() -> livy.listBatches(0, 10)).isInstanceOf(LivyTransportException.class);
        fake.dropConnections(false);
        assertThat(livy.listBatches(0, 10).total()).isZero();
    }

    @Test
    void requestIdsAndCsrfHeadersAreRecordedAndBasicAuthCanBeRequired() {
        LivyClient traced = LivyClient.builder().baseUrl(fake.url()).requestIdSupplier(() -> "trace-me").build();
        traced.createBatch(CreateBatchRequest.builder().file("/a.py").name("platy-t").build());
        fake.requireBasicAuth("svc", "pw");

        assertThat(fake.requests()).extracting(FakeLivy.Recorded::requestId).containsExactly("trace-me");
        assertThat(fake.requests().get(0).requestedBy()).isNotNull();
        assertThatThrownBy(() -> livy.listBatches(0, 1)).isInstanceOf(LivyClientException.class)
                .hasMessageContaining("401");
        assertThat(LivyClient.builder().baseUrl(fake.url()).basicAuth("svc", "pw").build().listBatches(0, 1)
                .total()).isEqualTo(1);
    }

    @Test
    void tenThousandBatchesListQuickly() {
        List<Batch> made = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            made.add(create("platy-bulk-" + i));
        }
        int seen = 0;
        for (int from = 0; from < 200; from += 100) {
            seen += livy.listBatches(from, 100).sessions().size();
        }
        assertThat(seen).isEqualTo(made.size());
    }
}
