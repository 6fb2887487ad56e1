package io.platyspark.livy.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.livy.Batch;
import io.platyspark.livy.BatchLog;
import io.platyspark.livy.BatchPage;
import io.platyspark.livy.BatchState;
import io.platyspark.livy.CreateBatchRequest;
import io.platyspark.livy.LivyClient;
import io.platyspark.livy.LivyClientException;
import io.platyspark.livy.LivyNotFoundException;
import io.platyspark.livy.LivyServerException;
import io.platyspark.livy.LivyTransportException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The fake answers as Livy does (LIVY-PROTOCOL.md and Livy's servlets), seen through LivyClient and raw HTTP. */
class FakeLivyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final FakeLivy fake = new FakeLivy();
    private final OkHttpClient shared = new OkHttpClient();
    private final LivyClient livy = LivyClient.builder()
            .baseUrl(fake.url())
            .okHttpClient(shared)
            .maxRetries(0)
            .build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = new JsonMapper();

    @AfterEach
    void stop() {
        fake.close();
    }

    private Batch create(String name) {
        return livy.createBatch(
                CreateBatchRequest.builder().file("s3://b/app.py").name(name).build());
    }

    private void at(Instant now) {
        fake.clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private HttpResponse<String> raw(String method, String path, String body, boolean csrfHeader) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.url() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (csrfHeader) {
            request.header("X-Requested-By", "test");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return raw("POST", "/batches", body, true);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = raw("GET", path, null, false);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    // ---- create, read, states ------------------------------------------------------------------------------------

    @Test
    void aCreateAnswers201WithLocationAndAStartingBatchIdsFromZero() throws Exception {
        HttpResponse<String> created = post("{\"file\":\"s3://b/app.py\",\"name\":\"platy-a\"}");
        Batch second = create("platy-b");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/batches/0");
        assertThat(created.body())
                .isEqualTo("{\"id\":0,\"name\":\"platy-a\",\"owner\":null,\"proxyUser\":null,"
                        + "\"state\":\"starting\",\"appId\":null,\"appInfo\":{\"driverLogUrl\":null,\"sparkUiUrl\":null},"
                        + "\"log\":[\"stdout: \",\"Warning: Skip remote jar s3://b/app.py.\",\"\\nstderr: \","
                        + "\"\\nYARN Diagnostics: \"]}");
        assertThat(second.id()).isEqualTo(1);
        assertThat(second.state()).isEqualTo(BatchState.STARTING);
        assertThat(livy.findBatchByName("platy-b").orElseThrow().id()).isEqualTo(1);
        assertThat(livy.getBatch(0).name()).isEqualTo("platy-a");
        assertThat(livy.getBatchState(1).state()).isEqualTo(BatchState.STARTING);
        assertThat(fake.batch(0).request()).containsEntry("file", "s3://b/app.py");
    }

    @Test
    void runningGivesAYarnAppIdAndEmrStyleLinksAndSuccessDropsTheDriverLog() {
        fake.yarnClusterTimestamp(1_700_000_000_000L);
        Batch batch = create("platy-run");

        fake.setState(batch.id(), BatchState.RUNNING);
        Batch running = livy.getBatch(batch.id());
        fake.setState(batch.id(), BatchState.SUCCESS);
        Batch done = livy.getBatch(batch.id());

        assertThat(running.state()).isEqualTo(BatchState.RUNNING);
        assertThat(running.appId()).isEqualTo("application_1700000000000_0001");
        assertThat(running.appInfo().sparkUiUrl())
                .isEqualTo("http://ip-10-0-0-1.ec2.internal:20888/proxy/application_1700000000000_0001/");
        assertThat(running.appInfo().driverLogUrl())
                .isEqualTo("http://ip-10-0-0-2.ec2.internal:8042/node/"
                        + "containerlogs/container_1700000000000_0001_01_000001/livy");
        assertThat(done.state()).isEqualTo(BatchState.SUCCESS);
        assertThat(done.appId()).isEqualTo(running.appId());
        assertThat(done.appInfo().sparkUiUrl()).isEqualTo(running.appInfo().sparkUiUrl());
        assertThat(done.appInfo().driverLogUrl())
                .as("Livy drops it once YARN reports FINISHED")
                .isNull();
    }

    @Test
    void linkTemplatesAreConfigurableAndLocalModeHasNoAppIdNoLinksNoDiagnostics() {
        fake.yarnClusterTimestamp(42)
                .sparkUiUrlTemplate("https://proxy/{appId}")
                .driverLogUrlTemplate("https://logs/{appId}/{containerId}");
        Batch onYarn = create("platy-yarn");
        fake.setState(onYarn.id(), BatchState.RUNNING);
        assertThat(livy.getBatch(onYarn.id()).appInfo().driverLogUrl())
                .isEqualTo("https://logs/application_42_0001/container_42_0001_01_000001");
        assertThat(livy.getBatch(onYarn.id()).appInfo().sparkUiUrl()).isEqualTo("https://proxy/application_42_0001");

        fake.yarn(false);
        Batch local = create("platy-local");
        fake.setState(local.id(), BatchState.RUNNING);
        Batch read = livy.getBatch(local.id());

        assertThat(read.appId()).isNull();
        assertThat(read.appInfo().sparkUiUrl()).isNull();
        assertThat(livy.getBatchLog(local.id(), 0, 100).log())
                .containsExactly("stdout: ", "Warning: Skip remote jar s3://b/app.py.", "\nstderr: ");
    }

    @Test
    void aDeadBatchThatNeverRanHasNoAppIdAndDiagnosticsEndItsLog() {
        Batch batch = create("platy-dead");

        fake.setState(batch.id(), BatchState.DEAD);
        fake.setDiagnostics(batch.id(), "Application application_1_0001 failed 2 times", "exit code 1");

        Batch dead = livy.getBatch(batch.id());
        assertThat(dead.appId()).isNull();
        assertThat(dead.log())
                .endsWith("\nYARN Diagnostics: ", "Application application_1_0001 failed 2 times", "exit code 1");
    }

    // ---- paging ---------------------------------------------------------------------------------------------------

    @Test
    void pagingSlicesByIndexAndTotalCountsEveryBatch() throws Exception {
        for (int i = 0; i < 7; i++) {
            create("platy-" + i);
        }

        BatchPage page = livy.listBatches(5, 3);

        assertThat(page.total()).isEqualTo(7);
        assertThat(page.from()).isEqualTo(5);
        assertThat(page.sessions()).extracting(Batch::id).containsExactly(5L, 6L);
        assertThat(page.sessions().get(0).log())
                .as("each batch in a list carries its last lines, as in Livy")
                .contains("\nstderr: ");
        assertThat(livy.listBatches(7, 3).sessions()).isEmpty();
        JsonNode negative = get("/batches?from=-2&size=3");
        assertThat(negative.get("from").asInt()).as("echoed as given").isEqualTo(-2);
        assertThat(negative.get("sessions"))
                .as("view(-2, 1) is the first batch")
                .hasSize(1);
        assertThat(fake.listCalls()).isEqualTo(3);
    }

    @Test
    void aListDefaultsToTheFirst100() throws Exception {
        for (int i = 0; i < 130; i++) {
            fake.addBatch("platy-seeded-" + i, BatchState.RUNNING);
        }

        JsonNode page = get("/batches");

        assertThat(page.get("from").asInt()).isZero();
        assertThat(page.get("total").asInt()).isEqualTo(130);
        assertThat(page.get("sessions")).hasSize(100);
        assertThat(page.get("sessions").get(99).get("id").asInt()).isEqualTo(99);
    }

    @Test
    void nonNumericPagingAndIdsAre400WithJavasMessage() throws Exception {
        HttpResponse<String> list = raw("GET", "/batches?from=x", null, false);
        HttpResponse<String> log = raw("GET", "/batches/0/log?size=ten", null, false);
        create("platy-x");
        HttpResponse<String> logOfKnown = raw("GET", "/batches/0/log?size=ten", null, false);
        HttpResponse<String> hugeId = raw("GET", "/batches/99999999999", null, false);

        assertThat(list.statusCode()).isEqualTo(400);
        assertThat(list.body()).isEqualTo("{\"msg\":\"For input string: \\\"x\\\"\"}");
        assertThat(log.statusCode()).as("the id is read first: no batch 0 yet").isEqualTo(404);
        assertThat(logOfKnown.statusCode()).isEqualTo(400);
        assertThat(hugeId.statusCode()).isEqualTo(400);
        assertThat(hugeId.body()).contains("99999999999");
    }

    // ---- logs ------------------------------------------------------------------------------------------------------

    @Test
    void theLogKeepsTheLast200LinesPerStreamSoOffsetsShiftWhenItWraps() {
        Batch batch = create("platy-log");
        List<String> out = IntStream.range(0, 250).mapToObj(i -> "out " + i).toList();
        fake.appendLog(batch.id(), out, List.of("err 0", "err 1"));
        fake.setDiagnostics(batch.id(), "Application failed 2 times");

        BatchLog head = livy.getBatchLog(batch.id(), 0, 3);
        BatchLog tail = livy.getBatchLog(batch.id(), -1, 4);
        BatchLog all = livy.getBatchLog(batch.id(), 0, -1);

        // stderr lands in the stdout section, as with real Livy: the Skip line and out 0..51 fell out of it; its
        // marker stays, and the stderr section is empty: 1 + 200 + 1 + 1 + 1 lines.
        assertThat(all.total()).isEqualTo(204);
        assertThat(all.log()).hasSize(204);
        assertThat(head.log())
                .as("the marker stays, the oldest lines went")
                .containsExactly("stdout: ", "out 52", "out 53");
        assertThat(tail.from()).isEqualTo(200);
        assertThat(tail.log())
                .containsExactly("err 1", "\nstderr: ", "\nYARN Diagnostics: ", "Application failed 2 times");
        assertThat(all.log().get(199)).isEqualTo("err 0");
    }

    @Test
    void logPagingFollowsLivysServletDefaults() throws Exception {
        fake.logBufferSize(500);
        Batch batch = create("platy-paging");
        fake.appendStdout(
                batch.id(), IntStream.range(0, 150).mapToObj(i -> "line " + i).toArray(String[]::new));

        JsonNode byDefault = get("/batches/" + batch.id() + "/log");
        JsonNode sizeOnly = get("/batches/" + batch.id() + "/log?size=2");
        JsonNode pastTheEnd = get("/batches/" + batch.id() + "/log?from=500&size=10");
        JsonNode byName = get("/batches/platy-paging/log?from=0&size=1");

        int total = 1 + 1 + 150 + 1 + 1;
        assertThat(byDefault.get("total").asInt()).isEqualTo(total);
        assertThat(byDefault.get("from").asInt())
                .as("no from: the last 100 lines")
                .isEqualTo(total - 100);
        assertThat(byDefault.get("log")).hasSize(100);
        assertThat(sizeOnly.get("log").get(1).asString()).isEqualTo("\nYARN Diagnostics: ");
        assertThat(pastTheEnd.get("from").asInt()).isEqualTo(500);
        assertThat(pastTheEnd.get("log")).isEmpty();
        assertThat(byName.get("log").get(0).asString()).isEqualTo("stdout: ");
        assertThat(fake.logCalls()).isEqualTo(4);
    }

    // ---- refusals --------------------------------------------------------------------------------------------------

    @Test
    void unreadableBodiesAre400WithABareJsonStringAndTakeNoId() throws Exception {
        HttpResponse<String> malformed = post("{\"file\":");
        HttpResponse<String> empty = post("");
        HttpResponse<String> array = post("[\"file\"]");
        HttpResponse<String> unknownField = post("{\"file\":\"/a.py\",\"fil\":1}");
        HttpResponse<String> objectForString = post("{\"file\":{\"path\":\"/a.py\"}}");
        HttpResponse<String> stringForList = post("{\"file\":\"/a.py\",\"args\":\"--day\"}");

        for (HttpResponse<String> response :
                List.of(malformed, empty, array, unknownField, objectForString, stringForList)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(json.readTree(response.body()).isString())
                    .as(response.body())
                    .isTrue();
        }
        assertThat(unknownField.body())
                .startsWith(
                        "\"Unrecognized field \\\"fil\\\" (class "
                                + "org.apache.livy.server.batch.CreateBatchRequest), not marked as ignorable (16 known properties:");
        assertThat(empty.body()).contains("No content");
        assertThat(stringForList.body())
                .contains("scala.collection.immutable.List")
                .contains("VALUE_STRING");
        assertThat(create("platy-after").id()).as("none of them took an id").isZero();
    }

    @Test
    void refusedNamesAre400MsgAndStillTakeAnId() throws Exception {
        create("platy-dup");

        assertThatThrownBy(() -> create("platy-dup"))
                .isInstanceOfSatisfying(
                        LivyClientException.class,
                        e -> assertThat(e.livyMessage())
                                .isEqualTo("Duplicate session name: Some(platy-dup) for session 1"));
        HttpResponse<String> digits = post("{\"file\":\"/a.py\",\"name\":\"12345\"}");
        assertThat(digits.statusCode()).isEqualTo(400);
        assertThat(digits.body()).isEqualTo("{\"msg\":\"Invalid session name: 12345\"}");

        assertThat(create("platy-next").id())
                .as("ids 1 and 2 went to the refused creates")
                .isEqualTo(3);
        assertThat(fake.batches()).extracting(FakeLivy.View::name).containsExactly("platy-dup", "platy-next");
    }

    @Test
    void aNameStaysTakenWhileLivyHoldsTheBatchEvenFinished() {
        Batch done = create("platy-once");
        fake.setState(done.id(), BatchState.SUCCESS);

        assertThatThrownBy(() -> create("platy-once")).isInstanceOf(LivyClientException.class);
        livy.deleteBatch(done.id());
        assertThat(create("platy-once").state()).isEqualTo(BatchState.STARTING);
    }

    @Test
    void concurrentCreatesOfOneNameMakeOneBatch() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return post("{\"file\":\"s3://b/app.py\",\"name\":\"platy-race\"}")
                        .statusCode();
            }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();

        assertThat(statuses).containsOnly(201, 400).filteredOn(s -> s == 201).hasSize(1);
        assertThat(fake.batches()).hasSize(1);
        assertThat(fake.createCalls()).isEqualTo(8);
    }

    @Test
    void aRejectionInsideStartUpIs400YetTheBatchStaysStartingForever() throws Exception {
        at(T0);
        fake.rejectNextCreate("Local path /tmp/x.py cannot be added to user sessions.");

        assertThatThrownBy(() -> create("platy-rej")).isInstanceOfSatisfying(LivyClientException.class, e -> {
            assertThat(e.livyMessage()).isEqualTo("Local path /tmp/x.py cannot be added to user sessions.");
            assertThat(e.isRetryable()).isFalse();
        });
        at(T0.plus(Duration.ofDays(3)));

        Batch stuck = livy.findBatchByName("platy-rej").orElseThrow();
        assertThat(stuck.id()).isZero();
        assertThat(stuck.state()).isEqualTo(BatchState.STARTING);
        assertThat(stuck.log()).as("no spark-submit ran: no log at all").isEmpty();
        assertThat(livy.listBatches(0, 10).total()).isEqualTo(1);
        assertThat(fake.batch(0).started()).isFalse();
        assertThatThrownBy(() -> create("platy-rej")).as("its name is taken").isInstanceOf(LivyClientException.class);
        livy.deleteBatch(stuck.id());
        assertThat(create("platy-rej").id()).isEqualTo(2);
    }

    @Test
    void startUpRefusesWhatLivysSessionChecksRefuseAndKeepsTheBatch() throws Exception {
        fake.localDirWhitelist("/srv/livy/jobs").blacklistedConf("spark.submit.deployMode");

        HttpResponse<String> noFile = post("{\"name\":\"platy-nofile\"}");
        HttpResponse<String> relative = post("{\"file\":\"jobs/app.py\"}");
        HttpResponse<String> local = post("{\"file\":\"file:///home/me/app.py\"}");
        HttpResponse<String> localJar = post("{\"file\":\"s3://b/app.py\",\"jars\":[\"file:/etc/x.jar\"]}");
        HttpResponse<String> confList = post("{\"file\":\"s3://b/app.py\",\"conf\":{\"spark.submit.pyFiles\":"
                + "\"s3://b/a.zip, file:/etc/b.zip\"}}");
        HttpResponse<String> blacklisted =
                post("{\"file\":\"s3://b/app.py\",\"conf\":{\"spark.submit.deployMode\":" + "\"client\"}}");
        HttpResponse<String> wrongType = post("{\"file\":\"s3://b/app.py\",\"driverCores\":\"2\"}");
        HttpResponse<String> whitelisted = post("{\"file\":\"file:/srv/livy/jobs/app.py\"}");
        HttpResponse<String> noScheme = post("{\"file\":\"/user/hadoop/app.py\"}");

        assertThat(noFile.body()).isEqualTo("{\"msg\":\"requirement failed: File is required.\"}");
        assertThat(relative.body()).contains("Path 'jobs/app.py' is not absolute.");
        assertThat(local.body()).contains("Local path /home/me/app.py cannot be added to user sessions.");
        assertThat(localJar.body()).contains("Local path /etc/x.jar cannot be added");
        assertThat(confList.body()).contains("Local path /etc/b.zip cannot be added");
        assertThat(blacklisted.body())
                .contains("Blacklisted configuration values in session config: " + "spark.submit.deployMode");
        assertThat(List.of(noFile, relative, local, localJar, confList, blacklisted))
                .extracting(HttpResponse::statusCode)
                .containsOnly(400);
        assertThat(wrongType.statusCode())
                .as("a ClassCastException inside start-up")
                .isEqualTo(500);
        assertThat(json.readTree(wrongType.body()).asString()).startsWith("java.lang.ClassCastException");
        assertThat(whitelisted.statusCode()).isEqualTo(201);
        assertThat(noScheme.statusCode()).as("resolved against fs.defaultFS").isEqualTo(201);
        assertThat(fake.batches())
                .as("every refused one stays, starting")
                .hasSize(9)
                .filteredOn(v -> !v.started())
                .hasSize(7)
                .allMatch(v -> v.state() == BatchState.STARTING);
        assertThat(fake.batchByName("platy-nofile")).isNotNull();
    }

    @Test
    void tooManySessionsIsARetryable400ThatTakesNoId() {
        fake.tooManySessions(1);

        assertThatThrownBy(() -> create("platy-busy")).isInstanceOfSatisfying(LivyClientException.class, e -> {
            assertThat(e.livyMessage()).isEqualTo("Rejected, too many sessions are being created!");
            assertThat(e.isRetryable()).isTrue();
        });
        assertThat(create("platy-busy").id()).isZero();
    }

    // ---- headers, auth ---------------------------------------------------------------------------------------------

    @Test
    void asLivyShipsNoHeaderIsRequiredNoSettingIsRefusedAndAWrongPathIsABare404() throws Exception {
        HttpResponse<String> created = raw(
                "POST",
                "/batches",
                "{\"file\":\"s3://b/a.py\",\"conf\":" + "{\"spark.submit.deployMode\":\"cluster\"}}",
                false);
        HttpResponse<String> wrongBase = raw("GET", "/livy/batches", null, false);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(wrongBase.statusCode()).isEqualTo(404);
        assertThat(wrongBase.body()).isEmpty();
    }

    @Test
    void aCreateMayAlreadyAnswerRunning() {
        fake.createAnswersRunning(true).yarn(false);

        Batch batch = create("platy-quick");

        assertThat(batch.state()).isEqualTo(BatchState.RUNNING);
        assertThat(batch.appId()).as("local mode: no YARN app").isNull();
    }

    @Test
    void withCsrfProtectionEveryNonGetNeedsXRequestedBy() throws Exception {
        fake.csrfProtection(true);
        create("platy-csrf");

        HttpResponse<String> postWithout = raw("POST", "/batches", "{\"file\":\"/a.py\"}", false);
        HttpResponse<String> deleteWithout = raw("DELETE", "/batches/0", null, false);
        HttpResponse<String> getWithout = raw("GET", "/batches/0", null, false);

        assertThat(postWithout.statusCode()).isEqualTo(400);
        assertThat(postWithout.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(postWithout.body())
                .contains("<title>Error 400 Missing Required Header for CSRF protection." + "</title>");
        assertThat(deleteWithout.statusCode()).isEqualTo(400);
        assertThat(getWithout.statusCode()).isEqualTo(200);
        assertThat(fake.batches()).hasSize(1);

        fake.csrfProtection(false);
        assertThat(raw("POST", "/batches", "{\"file\":\"/a.py\"}", false).statusCode())
                .isEqualTo(201);
    }

    @Test
    void basicAuthCanBeRequiredAndTheUserOwnsItsBatches() throws Exception {
        fake.requireBasicAuth("svc", "pw");
        LivyClient authed =
                LivyClient.builder().baseUrl(fake.url()).basicAuth("svc", "pw").build();
        LivyClient wrong = LivyClient.builder()
                .baseUrl(fake.url())
                .basicAuth("svc", "nope")
                .build();

        assertThatThrownBy(() -> livy.listBatches(0, 1))
                .isInstanceOfSatisfying(
                        LivyClientException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> wrong.listBatches(0, 1)).isInstanceOf(LivyClientException.class);
        assertThat(raw("GET", "/batches", null, false).headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        Batch batch = authed.createBatch(CreateBatchRequest.builder()
                .file("s3://b/app.py")
                .proxyUser("alice")
                .build());
        assertThat(batch.owner()).isEqualTo("svc");
        assertThat(batch.proxyUser()).as("dropped without impersonation").isNull();

        fake.impersonation(true);
        Batch impersonated = authed.createBatch(CreateBatchRequest.builder()
                .file("s3://b/app.py")
                .proxyUser("alice")
                .build());
        Batch asOwner = authed.createBatch(
                CreateBatchRequest.builder().file("s3://b/app.py").build());
        assertThat(impersonated.proxyUser()).isEqualTo("alice");
        assertThat(asOwner.proxyUser()).isEqualTo("svc");
    }

    @Test
    void requestsAreRecordedWithTheirHeadersAndLoggedWithTheirRequestId() throws Exception {
        LivyClient traced = LivyClient.builder()
                .baseUrl(fake.url())
                .requestedBy("platyspark")
                .requestIdSupplier(() -> "trace-me")
                .build();
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            traced.createBatch(
                    CreateBatchRequest.builder().file("/a.py").name("platy-t").build());
            traced.getBatchLog(0, 0, 10);
        } finally {
            System.setErr(stderr);
        }

        List<FakeLivy.Recorded> requests = fake.requests();
        assertThat(requests).extracting(FakeLivy.Recorded::method).containsExactly("POST", "GET");
        assertThat(requests).extracting(FakeLivy.Recorded::requestId).containsExactly("trace-me", "trace-me");
        assertThat(requests.get(0).requestedBy()).isEqualTo("platyspark");
        assertThat(requests.get(0).header("content-type")).startsWith("application/json");
        assertThat(requests.get(0).body()).isEqualTo("{\"file\":\"/a.py\",\"name\":\"platy-t\"}");
        assertThat(requests.get(1).path()).isEqualTo("/batches/0/log?from=0&size=10");
        String logged = captured.toString(StandardCharsets.UTF_8);
        assertThat(logged)
                .contains("fake-livy - POST /batches -> 201 [X-Request-Id=trace-me]")
                .contains("fake-livy - GET /batches/0/log?from=0&size=10 -> 200 [X-Request-Id=trace-me]");
    }

    @Test
    void theRecordIsBoundedAndCountersCountEachEndpoint() {
        fake.recordLimit(3);
        create("platy-c");
        livy.listBatches(0, 10);
        livy.getBatch(0);
        livy.getBatchState(0);
        livy.getBatchLog(0, 0, 10);
        livy.deleteBatch(0);

        assertThat(List.of(
                        fake.createCalls(),
                        fake.listCalls(),
                        fake.getCalls(),
                        fake.stateCalls(),
                        fake.logCalls(),
                        fake.deleteCalls()))
                .containsOnly(1);
        assertThat(fake.requests())
                .extracting(FakeLivy.Recorded::path)
                .containsExactly("/batches/0/state", "/batches/0/log?from=0&size=10", "/batches/0");
        fake.resetCounters();
        assertThat(fake.createCalls()).isZero();
        assertThat(fake.requests()).isEmpty();
    }

    // ---- delete, purge, restarts -----------------------------------------------------------------------------------

    @Test
    void deleteAnswersDeletedAndTheBatchIsGoneByIdOrName() throws Exception {
        Batch first = create("platy-del");
        create("platy-del-2");
        fake.setState(first.id(), BatchState.RUNNING);

        HttpResponse<String> deleted = raw("DELETE", "/batches/" + first.id(), null, true);
        HttpResponse<String> byName = raw("DELETE", "/batches/platy-del-2", null, true);

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{\"msg\":\"deleted\"}");
        assertThat(byName.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> livy.getBatch(first.id()))
                .isInstanceOfSatisfying(
                        LivyNotFoundException.class,
                        e -> assertThat(e.isNoSuchBatch()).isTrue());
        assertThat(livy.findBatchByName("platy-del"))
                .as("never seen killed: gone")
                .isEmpty();
        assertThat(livy.listBatches(0, 10).total()).isZero();
        HttpResponse<String> again = raw("DELETE", "/batches/" + first.id(), null, true);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.body()).isEqualTo("{\"msg\":\"Session '0' not found.\"}");
    }

    @Test
    void finishedBatchesArePurgedAfterTheRetentionOnTheClockAndOnlyThey() {
        at(T0);
        fake.retention(Duration.ofSeconds(600));
        Batch done = create("platy-done");
        Batch dead = create("platy-failed");
        Batch running = create("platy-running");
        fake.setState(done.id(), BatchState.SUCCESS);
        fake.setState(running.id(), BatchState.RUNNING);
        at(T0.plusSeconds(100));
        fake.setState(dead.id(), BatchState.DEAD);

        at(T0.plusSeconds(599));
        assertThat(livy.getBatch(done.id()).state()).isEqualTo(BatchState.SUCCESS);
        at(T0.plusSeconds(600));
        assertThat(livy.findBatchByName("platy-done")).as("purged").isEmpty();
        assertThat(livy.getBatch(dead.id()).state()).isEqualTo(BatchState.DEAD);
        at(T0.plusSeconds(700));
        fake.purgeFinished();
        assertThat(fake.batches())
                .as("retention ran out at +700 s; the next check is at +720 s")
                .extracting(FakeLivy.View::name)
                .containsExactly("platy-failed", "platy-running");
        at(T0.plusSeconds(720));
        fake.purgeFinished();
        assertThat(fake.batches()).extracting(FakeLivy.View::name).containsExactly("platy-running");
        at(T0.plus(Duration.ofDays(30)));
        assertThat(livy.listBatches(0, 10).total())
                .as("an unfinished batch stays")
                .isEqualTo(1);
    }

    @Test
    void aRestartForgetsEveryBatchAndIdsStartAgainWhileYarnKeepsCounting() {
        Batch before = create("platy-before");
        fake.setState(before.id(), BatchState.RUNNING);
        String oldAppId = livy.getBatch(before.id()).appId();

        fake.restart();

        assertThat(livy.listBatches(0, 100).total()).isZero();
        assertThat(livy.findBatchByName("platy-before")).isEmpty();
        Batch after = create("platy-after");
        assertThat(after.id()).as("ids start again").isZero();
        fake.setState(after.id(), BatchState.RUNNING);
        assertThat(livy.getBatch(0).appId())
                .as("a new YARN app, not the old one's id")
                .isNotEqualTo(oldAppId)
                .endsWith("_0002");
    }

    @Test
    void aRestartWithRecoveryKeepsIdsAndBringsLiveBatchesBackRecovering() {
        Batch running = create("platy-live");
        Batch dead = create("platy-dead");
        Batch done = create("platy-ok");
        fake.setState(running.id(), BatchState.RUNNING);
        fake.appendStdout(running.id(), "progress 50%");
        fake.setDiagnostics(running.id(), "running on node 3");
        fake.setState(dead.id(), BatchState.DEAD);
        fake.setState(done.id(), BatchState.SUCCESS);

        fake.restartWithRecovery();

        Batch recovered = livy.getBatch(running.id());
        assertThat(recovered.state()).isEqualTo(BatchState.RECOVERING);
        assertThat(recovered.appId()).isNotNull();
        assertThat(recovered.log())
                .as("only YARN's words survive")
                .containsExactly("stdout: ", "\nstderr: ", "\nYARN Diagnostics: ", "running on node 3");
        assertThatThrownBy(() -> livy.getBatch(dead.id())).isInstanceOf(LivyNotFoundException.class);
        assertThat(livy.getBatch(done.id()).state()).isEqualTo(BatchState.RECOVERING);
        assertThat(create("platy-new").id()).as("ids go on").isEqualTo(3);
    }

    // ---- faults ----------------------------------------------------------------------------------------------------

    @Test
    void injectedFailuresAreCountedAndRetriedForReadsButNotForCreates() throws Exception {
        LivyClient retrying = LivyClient.builder()
                .baseUrl(fake.url())
                .okHttpClient(shared)
                .maxRetries(2)
                .retryBackoff(Duration.ofMillis(1))
                .build();
        fake.failNext(2, 500);
        assertThat(retrying.listBatches(0, 10).total()).isZero();
        assertThat(fake.listCalls()).as("two failures, then an answer").isEqualTo(3);

        fake.failNext(1, 500);
        assertThatThrownBy(() -> retrying.createBatch(
                        CreateBatchRequest.builder().file("s3://b/a.py").build()))
                .isInstanceOfSatisfying(
                        LivyServerException.class,
                        e -> assertThat(e.livyMessage()).contains("injected by FakeLivy.failNext"));
        assertThat(fake.createCalls()).isEqualTo(1);
        assertThat(fake.batches()).isEmpty();

        fake.failNext(1, 503);
        HttpResponse<String> proxy = raw("GET", "/batches", null, false);
        assertThat(proxy.statusCode()).isEqualTo(503);
        assertThat(proxy.body()).contains("HTTP ERROR 503");
    }

    @Test
    void cutConnectionsMakeLivyUnreachableAndACreateIsNeverSentTwice() {
        LivyClient retrying = LivyClient.builder()
                .baseUrl(fake.url())
                .okHttpClient(shared)
                .maxRetries(2)
                .retryBackoff(Duration.ofMillis(1))
                .build();
        retrying.listBatches(0, 1); // a pooled connection for the create to reuse

        fake.dropConnections(true);
        assertThatThrownBy(() -> retrying.createBatch(CreateBatchRequest.builder()
                        .file("s3://b/a.py")
                        .name("platy-cut")
                        .build()))
                .isInstanceOf(LivyTransportException.class);
        assertThat(fake.createCalls())
                .as("the create reached Livy once, never again")
                .isEqualTo(1);
        assertThatThrownBy(() -> retrying.getBatchState(0)).isInstanceOf(LivyTransportException.class);
        assertThat(fake.stateCalls()).as("1 + 2 retries").isGreaterThanOrEqualTo(3);
        fake.dropConnections(false);

        assertThat(retrying.listBatches(0, 10).total())
                .as("the cut create was not carried out")
                .isZero();
    }

    // ---- driving ---------------------------------------------------------------------------------------------------

    @Test
    void autoAdvanceMovesBatchesAlongOnTheClock() {
        at(T0);
        fake.retention(Duration.ofMinutes(10));
        fake.autoAdvance(
                Duration.ofSeconds(5),
                Duration.ofMinutes(1),
                view -> view.name().contains("fail") ? BatchState.DEAD : BatchState.SUCCESS);
        Batch ok = create("platy-ok");
        Batch failing = create("platy-fail");

        at(T0.plusSeconds(4));
        assertThat(livy.getBatchState(ok.id()).state()).isEqualTo(BatchState.STARTING);
        at(T0.plusSeconds(5));
        assertThat(livy.getBatch(ok.id()).state()).isEqualTo(BatchState.RUNNING);
        assertThat(livy.getBatch(ok.id()).appId()).isNotNull();
        at(T0.plusSeconds(65));
        assertThat(livy.getBatchState(ok.id()).state()).isEqualTo(BatchState.SUCCESS);
        assertThat(livy.getBatchState(failing.id()).state()).isEqualTo(BatchState.DEAD);
        at(T0.plusSeconds(665));
        assertThat(livy.listBatches(0, 10).total())
                .as("kept until the next minute's check")
                .isEqualTo(2);
        at(T0.plusSeconds(720));
        assertThat(livy.listBatches(0, 10).total())
                .as("purged at the first check 10 min after +65 s")
                .isZero();

        fake.stopAutoAdvance();
        Batch manual = create("platy-manual");
        at(T0.plus(Duration.ofHours(1)));
        assertThat(livy.getBatchState(manual.id()).state()).isEqualTo(BatchState.STARTING);
    }

    @Test
    void seededBatchesAndTheCreateListener() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        fake.onCreate(view -> seen.add(view.name() + "@" + view.id()));

        FakeLivy.View seeded = fake.addBatch("platy-seeded", BatchState.RUNNING);
        create("platy-made");

        assertThat(seeded.appId()).isNotNull();
        assertThat(seen).containsExactly("platy-made@1");
        assertThatThrownBy(() -> fake.addBatch("platy-seeded", BatchState.RUNNING))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fake.setState(99, BatchState.RUNNING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no batch 99");
    }

    // ---- scale -----------------------------------------------------------------------------------------------------

    @Test
    void tenThousandBatchesAreCreatedListedFinishedAndPurgedQuickly() throws Exception {
        at(T0);
        int count = 10_000;
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "platy-bulk-" + i;
            ids.add(pool.submit(() -> create(name).id()));
        }
        Set<Long> created = new HashSet<>();
        for (Future<Long> id : ids) {
            created.add(id.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        Set<Long> listed = new HashSet<>();
        int total = -1;
        for (int from = 0; from < count; from += 100) {
            BatchPage page = livy.listBatches(from, 100);
            total = page.total();
            page.sessions().forEach(b -> listed.add(b.id()));
        }
        for (long id = 0; id < count; id++) {
            fake.setState(id, id % 2 == 0 ? BatchState.SUCCESS : BatchState.DEAD);
        }
        assertThat(livy.findBatchByName("platy-bulk-9999")).isPresent();
        at(T0.plus(Duration.ofMinutes(10)));
        int left = livy.listBatches(0, 100).total();
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(created).hasSize(count).allMatch(id -> id >= 0 && id < count);
        assertThat(total).isEqualTo(count);
        assertThat(listed).isEqualTo(created);
        assertThat(left).as("all finished and purged").isZero();
        assertThat(fake.createCalls()).isEqualTo(count);
        // Generous: the build machine is shared. Linear-time paging and purging keep this near 10 s; the fake's
        // first version scanned every batch on every request and copied its whole request record per request.
        assertThat(seconds)
                .as("10,000 creates, 100 pages, 10,000 state changes and a purge")
                .isLessThan(120);
    }
}
