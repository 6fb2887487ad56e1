package io.platyspark.livy.fake;

import io.platyspark.livy.BatchState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Livy server for tests, over real HTTP, that behaves as LIVY-PROTOCOL.md says real Livy does: ids from 0, lookup
 * by name, paging with {@code total}, a 200-line log buffer with stream markers, {@code {"msg"}} 404s and bare-string
 * 400s, duplicate and all-digit names refused, delete that removes the batch, finished batches purged after a
 * retention on an injected clock, batches rejected during start-up left {@code starting}, the CSRF header check,
 * injected 5xx and cut connections, and a restart without recovery that forgets everything and starts ids at 0.
 * The test drives each batch's state. Each request is logged (logger {@code fake-livy}) with its X-Request-Id.
 */
public final class FakeLivy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("fake-livy");
    private static final Set<String> FIELDS = Set.of("file", "className", "args", "jars", "pyFiles", "files",
            "archives", "driverMemory", "driverCores", "executorMemory", "executorCores", "numExecutors", "queue",
            "name", "proxyUser", "conf");
    private static final Set<String> INT_FIELDS = Set.of("driverCores", "executorCores", "numExecutors");

    private final MockWebServer server = new MockWebServer();
    private final JsonMapper json = new JsonMapper();
    private final ConcurrentSkipListMap<Long, FakeBatch> batches = new ConcurrentSkipListMap<>();
    private final Map<String, FakeBatch> byName = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 500;
    private volatile boolean dropConnections;
    private volatile String rejectNext;
    private volatile boolean csrf = true;
    private volatile String basicAuth;
    private volatile Supplier<Instant> clock = Instant::now;
    private volatile Duration retention = Duration.ofSeconds(600);
    private volatile int logBufferSize = 200;
    private final long startedMillis = System.currentTimeMillis();
    private volatile java.util.function.Consumer<View> createListener = v -> { };

    public FakeLivy() {
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return handle(request);
            }
        });
        try {
            server.start(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    public String url() {
        String url = server.url("/").toString();
        return url.substring(0, url.length() - 1);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- settings -------------------------------------------------------------------------------------------

    /** Time for finished batches' retention. */
    public FakeLivy clock(Clock clock) {
        this.clock = clock::instant;
        return this;
    }

    /** {@code livy.server.session.state-retain.sec}. */
    public FakeLivy retention(Duration retention) {
        this.retention = retention;
        return this;
    }

    /** {@code livy.cache-log.size}. */
    public FakeLivy logBufferSize(int lines) {
        this.logBufferSize = lines;
        return this;
    }

    /** Whether non-GET requests need {@code X-Requested-By} (Livy's CSRF protection; on by default). */
    public FakeLivy csrfProtection(boolean on) {
        this.csrf = on;
        return this;
    }

    /** Require HTTP basic auth (Livy behind LDAP). */
    public FakeLivy requireBasicAuth(String user, String password) {
        this.basicAuth = Credentials.basic(user, password);
        return this;
    }

    // ---- faults ---------------------------------------------------------------------------------------------

    /** The next {@code count} requests answer {@code status} without doing anything. */
    public void failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
    }

    /** While on, every connection is cut before an answer: Livy is unreachable. */
    public void dropConnections(boolean on) {
        dropConnections = on;
    }

    /** The next create is accepted (201) but the batch never leaves {@code starting}, as when Livy rejects it inside start-up. */
    public void rejectNextCreate(String reason) {
        rejectNext = reason;
    }

    /** A restart without recovery: every batch is forgotten and ids start again at 0. */
    public void restart() {
        batches.clear();
        byName.clear();
        nextId.set(0);
        log.info("restarted without recovery: all batches forgotten, ids start at 0");
    }

    // ---- driving batches ------------------------------------------------------------------------------------

    /** Called with each batch a create made, as soon as it exists (benchmarks time submissions by it). */
    public void onCreate(java.util.function.Consumer<View> listener) {
        this.createListener = listener == null ? v -> { } : listener;
    }

    /** Puts a batch in place without a request, e.g. to load thousands of them quickly. */
    public View addBatch(String name, BatchState state) {
        FakeBatch batch = new FakeBatch(nextId.getAndIncrement(), name, Map.of("file", "s3://seeded/app.py"));
        batches.put(batch.id, batch);
        if (name != null) {
            byName.put(name, batch);
        }
        setState(batch.id, state);
        return batch.view();
    }

    /** Moves a batch on, as Livy would after asking YARN. Running gives it a YARN app id and links. */
    public void setState(long id, BatchState state) {
        FakeBatch batch = require(id);
        synchronized (batch) {
            batch.state = state;
            if (state == BatchState.RUNNING || state.isFinished()) {
                if (batch.appId == null) {
                    batch.appId = String.format("application_%d_%04d", startedMillis, id + 1);
                    batch.sparkUiUrl = "http://ip-10-0-0-1.ec2.internal:20888/proxy/" + batch.appId + "/";
                    batch.driverLogUrl = "http://ip-10-0-0-2.ec2.internal:8042/node/containerlogs/container_"
                            + batch.appId.substring("application_".length()) + "_01_000001/livy";
                }
            }
            batch.finishedAt = state.isFinished() ? clock.get() : null;
        }
    }

    public void setStateByName(String name, BatchState state) {
        FakeBatch batch = byName.get(name);
        if (batch == null) {
            throw new IllegalArgumentException("no batch named " + name);
        }
        setState(batch.id, state);
    }

    public void appendStdout(long id, String... lines) {
        FakeBatch batch = require(id);
        synchronized (batch) {
            Collections.addAll(batch.stdout, lines);
        }
    }

    public void appendStderr(long id, String... lines) {
        FakeBatch batch = require(id);
        synchronized (batch) {
            Collections.addAll(batch.stderr, lines);
        }
    }

    public void setDiagnostics(long id, String... lines) {
        FakeBatch batch = require(id);
        synchronized (batch) {
            batch.diagnostics = List.of(lines);
        }
    }

    /** Removes finished batches past their retention now (Livy checks every 60 s; every request here does too). */
    public void purgeFinished() {
        Instant now = clock.get();
        for (Iterator<FakeBatch> it = batches.values().iterator(); it.hasNext(); ) {
            FakeBatch batch = it.next();
            Instant finished = batch.finishedAt;
            if (finished != null && !finished.plus(retention).isAfter(now)) {
                it.remove();
                if (batch.name != null) {
                    byName.remove(batch.name, batch);
                }
            }
        }
    }

    // ---- looking ----------------------------------------------------------------------------------------------

    public View batch(long id) {
        FakeBatch batch = batches.get(id);
        return batch == null ? null : batch.view();
    }

    public View batchByName(String name) {
        FakeBatch batch = byName.get(name);
        return batch == null ? null : batch.view();
    }

    public List<View> batches() {
        return batches.values().stream().map(FakeBatch::view).toList();
    }

    public int calls(String endpoint) {
        AtomicInteger count = calls.get(endpoint);
        return count == null ? 0 : count.get();
    }

    public int createCalls() {
        return calls("create");
    }

    public int listCalls() {
        return calls("list");
    }

    public int getCalls() {
        return calls("get");
    }

    public int logCalls() {
        return calls("log");
    }

    public int deleteCalls() {
        return calls("delete");
    }

    public int stateCalls() {
        return calls("state");
    }

    public void resetCounters() {
        calls.clear();
        recorded.clear();
    }

    /** Every request received, in order. */
    public List<Recorded> requests() {
        return List.copyOf(recorded);
    }

    /** A batch as the test sees it. */
    public record View(long id, String name, BatchState state, String appId, String file, List<String> args,
            Map<String, String> conf, Map<String, Object> request) {
    }

    /** A request as received. */
    public record Recorded(String method, String path, String requestId, String requestedBy, String body) {
    }

    // ---- the server -----------------------------------------------------------------------------------------

    private MockResponse handle(RecordedRequest request) {
        String method = request.getMethod();
        String path = request.getUrl().encodedPath();
        String requestId = request.getHeaders().get("X-Request-Id");
        recorded.add(new Recorded(method, path + (request.getUrl().encodedQuery() == null ? ""
                : "?" + request.getUrl().encodedQuery()), requestId, request.getHeaders().get("X-Requested-By"),
                request.getBody() == null ? "" : request.getBody().utf8()));
        if (dropConnections) {
            log.info("{} {} -> connection cut [X-Request-Id={}]", method, path, requestId);
            return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
        }
        MockResponse response = answer(request, method, path);
        log.info("{} {} -> {} [X-Request-Id={}]", method, path, response.getCode(), requestId);
        return response;
    }

    private MockResponse answer(RecordedRequest request, String method, String path) {
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return text(failureStatus, "<html><body><h2>HTTP ERROR " + failureStatus + "</h2>injected</body></html>",
                    "text/html");
        }
        if (basicAuth != null && !basicAuth.equals(request.getHeaders().get("Authorization"))) {
            return text(401, "<html><body>401 Unauthorized</body></html>", "text/html");
        }
        if (csrf && !method.equals("GET") && request.getHeaders().get("X-Requested-By") == null) {
            return text(400, "<html><body><h2>HTTP ERROR 400</h2><p>Missing Required Header for CSRF protection."
                    + "</p></body></html>", "text/html");
        }
        purgeFinished();
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        if (parts.length == 0 || !parts[0].equals("batches")) {
            return msg(404, "Not found: " + path);
        }
        try {
            if (parts.length == 1 && method.equals("POST")) {
                return create(request);
            }
            if (parts.length == 1 && method.equals("GET")) {
                return list(request);
            }
            if (parts.length >= 2) {
                FakeBatch batch = lookup(parts[1]);
                if (parts.length == 2 && method.equals("GET")) {
                    count("get");
                    return batch == null ? notFound(parts[1]) : json(200, batch.toJson(json, true, logBufferSize));
                }
                if (parts.length == 2 && method.equals("DELETE")) {
                    count("delete");
                    if (batch == null) {
                        return notFound(parts[1]);
                    }
                    batches.remove(batch.id);
                    if (batch.name != null) {
                        byName.remove(batch.name, batch);
                    }
                    return msg(200, "deleted");
                }
                if (parts.length == 3 && parts[2].equals("state") && method.equals("GET")) {
                    count("state");
                    if (batch == null) {
                        return notFound(parts[1]);
                    }
                    ObjectNode node = json.createObjectNode();
                    node.put("id", batch.id);
                    node.put("state", batch.state.wireValue());
                    return json(200, node);
                }
                if (parts.length == 3 && parts[2].equals("log") && method.equals("GET")) {
                    count("log");
                    return batch == null ? notFound(parts[1]) : log(request, batch);
                }
            }
        } catch (NumberFormatException e) {
            return bareString(400, "For input string: \"" + e.getMessage() + "\"");
        }
        return text(405, "Method Not Allowed", "text/plain");
    }

    private MockResponse create(RecordedRequest request) {
        count("create");
        JsonNode body;
        try {
            body = json.readTree(request.getBody() == null ? "" : request.getBody().utf8());
        } catch (JacksonException e) {
            return bareString(400, "Unexpected character: the body is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (body == null || !body.isObject()) {
            return bareString(400, "Cannot deserialize value of type `CreateBatchRequest` from the body");
        }
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                return bareString(400, "Unrecognized field \"" + field + "\" (class "
                        + "org.apache.livy.server.batch.CreateBatchRequest), not marked as ignorable");
            }
            if (INT_FIELDS.contains(field) && !body.get(field).isInt()) {
                return bareString(500, "Cannot deserialize value of type `int` from String \""
                        + body.get(field).asString() + "\"");
            }
        }
        if (!body.path("file").isString() || body.path("file").asString().isBlank()) {
            return bareString(400, "java.lang.IllegalArgumentException: requirement failed: File is required.");
        }
        String name = body.path("name").isString() ? body.path("name").asString() : null;
        if (name != null && name.chars().allMatch(Character::isDigit)) {
            return msg(400, "Invalid batch name: " + name + " (a name must not be all digits)");
        }
        if (name != null && byName.containsKey(name)) {
            return msg(400, "Duplicate session name: Some(" + name + ") for session " + byName.get(name).id);
        }
        FakeBatch batch = new FakeBatch(nextId.getAndIncrement(), name, json.convertValue(body, Map.class));
        String reject = rejectNext;
        rejectNext = null;
        if (reject != null) {
            batch.stderr.add("Rejected, Reason: " + reject);
        }
        batch.stdout.add("Warning: Skip remote jar " + batch.file + ".");
        batches.put(batch.id, batch);
        if (name != null) {
            byName.put(name, batch);
        }
        createListener.accept(batch.view());
        MockResponse.Builder response = new MockResponse.Builder().code(201)
                .setHeader("Content-Type", "application/json;charset=utf-8")
                .setHeader("Location", "/batches/" + batch.id)
                .body(json.writeValueAsString(batch.toJson(json, true, logBufferSize)));
        return response.build();
    }

    private MockResponse list(RecordedRequest request) {
        count("list");
        int from = intParam(request, "from", 0);
        int size = intParam(request, "size", 100);
        ObjectNode node = json.createObjectNode();
        node.put("from", from);
        node.put("total", batches.size());
        ArrayNode sessions = node.putArray("sessions");
        int index = 0;
        for (FakeBatch batch : batches.values()) {
            if (index++ < from) {
                continue;
            }
            if (sessions.size() >= size) {
                break;
            }
            sessions.add(batch.toJson(json, false, logBufferSize));
        }
        return json(200, node);
    }

    private MockResponse log(RecordedRequest request, FakeBatch batch) {
        List<String> lines = batch.logLines(logBufferSize);
        int size = intParam(request, "size", 100);
        int from = intParam(request, "from", 0);
        if (from < 0) {
            from = Math.max(0, lines.size() - size);
        }
        int start = Math.min(from, lines.size());
        int end = Math.min(lines.size(), start + Math.max(size, 0));
        ObjectNode node = json.createObjectNode();
        node.put("id", batch.id);
        node.put("from", start);
        node.put("total", lines.size());
        ArrayNode log = node.putArray("log");
        lines.subList(start, end).forEach(log::add);
        return json(200, node);
    }

    private static int intParam(RecordedRequest request, String name, int fallback) {
        String value = request.getUrl().queryParameter(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    private FakeBatch lookup(String idOrName) {
        if (idOrName.chars().allMatch(Character::isDigit)) {
            return batches.get(Long.parseLong(idOrName));
        }
        return byName.get(idOrName);
    }

    private FakeBatch require(long id) {
        FakeBatch batch = batches.get(id);
        if (batch == null) {
            throw new IllegalArgumentException("no batch " + id);
        }
        return batch;
    }

    private void count(String endpoint) {
        calls.computeIfAbsent(endpoint, k -> new AtomicInteger()).incrementAndGet();
    }

    private MockResponse notFound(String idOrName) {
        return msg(404, "Session '" + idOrName + "' not found.");
    }

    private MockResponse msg(int status, String message) {
        ObjectNode node = json.createObjectNode();
        node.put("msg", message);
        return json(status, node);
    }

    private MockResponse bareString(int status, String message) {
        return text(status, json.writeValueAsString(message), "application/json;charset=utf-8");
    }

    private MockResponse json(int status, JsonNode node) {
        return text(status, json.writeValueAsString(node), "application/json;charset=utf-8");
    }

    private static MockResponse text(int status, String body, String contentType) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", contentType).body(body).build();
    }

    /**
     * Answers without Nagle's delay: MockWebServer writes a response in pieces, and with Nagle on each answer
     * waits ~40 ms for the client's delayed ACK, which would swamp what benchmarks measure.
     */
    private static final class NoDelayServerSocketFactory extends javax.net.ServerSocketFactory {

        @Override
        public java.net.ServerSocket createServerSocket() throws IOException {
            return new java.net.ServerSocket() {
                @Override
                public java.net.Socket accept() throws IOException {
                    java.net.Socket socket = super.accept();
                    socket.setTcpNoDelay(true);
                    return socket;
                }
            };
        }

        @Override
        public java.net.ServerSocket createServerSocket(int port) throws IOException {
            java.net.ServerSocket socket = createServerSocket();
            socket.bind(new java.net.InetSocketAddress(port));
            return socket;
        }

        @Override
        public java.net.ServerSocket createServerSocket(int port, int backlog) throws IOException {
            java.net.ServerSocket socket = createServerSocket();
            socket.bind(new java.net.InetSocketAddress(port), backlog);
            return socket;
        }

        @Override
        public java.net.ServerSocket createServerSocket(int port, int backlog, java.net.InetAddress address)
                throws IOException {
            java.net.ServerSocket socket = createServerSocket();
            socket.bind(new java.net.InetSocketAddress(address, port), backlog);
            return socket;
        }
    }

    /** A batch as the fake holds it. */
    private static final class FakeBatch {
        final long id;
        final String name;
        final String file;
        final Map<String, Object> request;
        final List<String> stdout = new ArrayList<>();
        final List<String> stderr = new ArrayList<>();
        volatile List<String> diagnostics = List.of();
        volatile BatchState state = BatchState.STARTING;
        volatile String appId;
        volatile String sparkUiUrl;
        volatile String driverLogUrl;
        volatile Instant finishedAt;

        @SuppressWarnings("unchecked")
        FakeBatch(long id, String name, Map<String, Object> request) {
            this.id = id;
            this.name = name;
            this.request = new LinkedHashMap<>(request);
            this.file = (String) request.get("file");
        }

        synchronized List<String> logLines(int buffer) {
            List<String> lines = new ArrayList<>();
            lines.add("stdout: ");
            lines.addAll(stdout);
            lines.add("\nstderr: ");
            lines.addAll(stderr);
            if (!diagnostics.isEmpty()) {
                lines.add("\nYARN Diagnostics: ");
                lines.addAll(diagnostics);
            }
            return lines.size() <= buffer ? lines : List.copyOf(lines.subList(lines.size() - buffer, lines.size()));
        }

        synchronized ObjectNode toJson(JsonMapper json, boolean withLog, int buffer) {
            ObjectNode node = json.createObjectNode();
            node.put("id", id);
            node.put("name", name);
            node.putNull("owner");
            node.putNull("proxyUser");
            node.put("state", state.wireValue());
            node.put("appId", appId);
            ObjectNode appInfo = node.putObject("appInfo");
            appInfo.put("driverLogUrl", driverLogUrl);
            appInfo.put("sparkUiUrl", sparkUiUrl);
            ArrayNode log = node.putArray("log");
            if (withLog) {
                List<String> lines = logLines(buffer);
                lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(log::add);
            }
            return node;
        }

        @SuppressWarnings("unchecked")
        View view() {
            Object args = request.get("args");
            Object conf = request.get("conf");
            return new View(id, name, state, appId, file, args == null ? List.of() : List.copyOf((List<String>) args),
                    conf == null ? Map.of() : Map.copyOf((Map<String, String>) conf),
                    Collections.unmodifiableMap(new LinkedHashMap<>(request)));
        }
    }
}
