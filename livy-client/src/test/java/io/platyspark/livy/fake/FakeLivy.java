package io.platyspark.livy.fake;

import io.platyspark.livy.BatchState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Livy server for tests, over real HTTP, that answers as Livy 0.7.1's own servlets do (LIVY-PROTOCOL.md, checked
 * against the real server): ids from 0, lookup by name, paging with {@code total}, the 200-line log buffer with
 * Livy's section markers (the app's stderr in the {@code stdout:} section), {@code {"msg"}} 404s, bare-message and
 * bare-string 400s, refusals that still take an id, start-up rejections that leave a batch {@code starting}
 * forever, delete that removes the batch, finished batches purged on the check interval after a retention on an
 * injected clock, no conf blacklist and no CSRF check unless configured, basic auth, a bare 404 off the API's
 * paths, injected failures and cut connections, and restarts with or without recovery. The test drives each
 * batch's state (or lets {@link #autoAdvance} do it). Every request is logged through SLF4J (logger
 * {@code fake-livy}) with its X-Request-Id. One lock guards all state; lookups, paging and purges stay cheap with
 * 10,000s of batches.
 */
public final class FakeLivy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("fake-livy");
    private static final String CREATE_REQUEST_CLASS = "org.apache.livy.server.batch.CreateBatchRequest";
    /** CreateBatchRequest's fields, in its declaration order (Jackson names them so in its refusal). */
    private static final List<String> FIELDS = List.of(
            "file",
            "proxyUser",
            "args",
            "className",
            "jars",
            "pyFiles",
            "files",
            "driverMemory",
            "driverCores",
            "executorMemory",
            "executorCores",
            "numExecutors",
            "archives",
            "queue",
            "name",
            "conf");

    private static final Set<String> STRING_FIELDS =
            Set.of("file", "proxyUser", "className", "driverMemory", "executorMemory", "queue", "name");
    private static final Set<String> LIST_FIELDS = Set.of("args", "jars", "pyFiles", "files", "archives");
    /** Option[Int] in Scala: erased, so Jackson takes any value and the cast fails only inside start-up. */
    private static final Set<String> INT_FIELDS = Set.of("driverCores", "executorCores", "numExecutors");
    /** The request's file lists and the Spark conf keys with file lists, each entry resolved like the main file. */
    private static final List<String> FILE_LISTS = List.of("jars", "files", "archives", "pyFiles");

    private static final List<String> CONF_FILE_LISTS = List.of(
            "spark.jars",
            "spark.files",
            "spark.yarn.dist.archives",
            "spark.submit.pyFiles",
            "spark.archives",
            "spark.yarn.archive");
    private static final Set<String> CSRF_FREE_METHODS = Set.of("GET", "OPTIONS", "HEAD");
    private static final String JSON_TYPE = "application/json;charset=utf-8";

    private final MockWebServer server = new MockWebServer();
    private final JsonMapper json = new JsonMapper();

    private final Object lock = new Object();
    // --- guarded by lock: what Livy holds ---
    /** In id order, as Livy's LinkedHashMap lists them; an array list so a page is found by index. */
    private final List<FakeBatch> ordered = new ArrayList<>();

    private final Map<Long, FakeBatch> byId = new HashMap<>();
    private final Map<String, FakeBatch> byName = new HashMap<>();
    private final PriorityQueue<Due> finished = new PriorityQueue<>(Due.ORDER);
    private final PriorityQueue<Due> scheduled = new PriorityQueue<>(Due.ORDER);
    private long nextId;
    /** YARN's application counter; YARN is not restarted with Livy, so it keeps counting. */
    private long yarnApps;

    private long dueSequence;
    private String rejectNext;
    // --- guarded by recordedLock ---
    private final Object recordedLock = new Object();
    private final ArrayDeque<Recorded> recorded = new ArrayDeque<>();

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger tooManySessionsLeft = new AtomicInteger();
    private volatile int failureStatus = 500;
    private volatile boolean dropConnections;

    private volatile Clock clock = Clock.systemUTC();
    private volatile Duration retention = Duration.ofSeconds(600);
    private volatile Duration checkInterval = Duration.ofSeconds(60);
    private volatile boolean createAnswersRunning;
    private volatile int logBufferSize = 200;
    /** Off, as Livy ships ({@code livy.server.csrf-protection.enabled=false}). */
    private volatile boolean csrf;

    private volatile String basicAuth;
    private volatile String basicAuthUser;
    private volatile boolean impersonation;
    private volatile boolean yarn = true;
    private volatile long yarnClusterTimestamp = System.currentTimeMillis();
    private volatile String sparkUiUrlTemplate = "http://ip-10-0-0-1.ec2.internal:20888/proxy/{appId}/";
    private volatile String driverLogUrlTemplate =
            "http://ip-10-0-0-2.ec2.internal:8042/node/containerlogs/{containerId}/livy";
    private volatile String defaultFs = "hdfs://ip-10-0-0-1.ec2.internal:8020";
    private volatile List<Path> localDirWhitelist = List.of();
    /** Empty: without a {@code spark-blacklist.conf}, Livy refuses no setting. */
    private volatile Set<String> blacklistedConf = Set.of();

    private volatile String requestIdHeader = "X-Request-Id";
    private volatile int recordLimit = 10_000;
    private volatile AutoAdvance autoAdvance;
    private volatile Consumer<View> createListener = v -> {};

    public FakeLivy() {
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                // MockWebServer queues every request for takeRequest(), which nothing calls on a fake: take ours
                // back out, or a benchmark's 100,000 requests would all stay in memory.
                server.takeRequest(0, TimeUnit.NANOSECONDS);
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

    // ---- settings (Livy's configuration) -------------------------------------------------------------------

    /** The clock for retention and {@link #autoAdvance}; the system clock by default. */
    public FakeLivy clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock == null");
        return this;
    }

    /** {@code livy.server.session.state-retain.sec}: how long a finished batch stays listed (600 s). */
    public FakeLivy retention(Duration retention) {
        this.retention = Objects.requireNonNull(retention, "retention == null");
        return this;
    }

    /**
     * {@code livy.server.session.timeout-check.interval}: how often Livy looks for finished batches past their
     * retention (60 s). A batch is purged at the first check after its retention ran out, counted on the clock
     * from the epoch, so not exactly at {@code finished + retention}.
     */
    public FakeLivy checkInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.checkInterval = interval;
        return this;
    }

    /**
     * Whether a create already answers {@code running}, as Livy in local mode does when spark-submit is quick to
     * start (off: {@code starting}).
     */
    public FakeLivy createAnswersRunning(boolean on) {
        this.createAnswersRunning = on;
        return this;
    }

    /** {@code livy.cache-log.size}: lines kept per stream (200), for batches created from now on. */
    public FakeLivy logBufferSize(int lines) {
        this.logBufferSize = lines;
        return this;
    }

    /** {@code livy.server.csrf-protection.enabled}: non-GET requests need {@code X-Requested-By}. Off by default. */
    public FakeLivy csrfProtection(boolean on) {
        this.csrf = on;
        return this;
    }

    /** Require HTTP basic auth (Livy behind LDAP); the user becomes each new batch's {@code owner}. */
    public FakeLivy requireBasicAuth(String user, String password) {
        this.basicAuthUser = user;
        this.basicAuth = user == null ? null : Credentials.basic(user, password, StandardCharsets.UTF_8);
        return this;
    }

    /** {@code livy.impersonation.enabled}: off (as by default), a request's {@code proxyUser} is dropped. */
    public FakeLivy impersonation(boolean on) {
        this.impersonation = on;
        return this;
    }

    /**
     * On (the default) Livy runs batches on YARN: a running batch gets an {@code appId} and links, and the log ends
     * with a {@code YARN Diagnostics} section. Off is Livy's local mode: no app id, no links, no diagnostics.
     */
    public FakeLivy yarn(boolean on) {
        this.yarn = on;
        return this;
    }

    /** The ResourceManager's start time, the middle of every {@code application_<ts>_<n>}. */
    public FakeLivy yarnClusterTimestamp(long millis) {
        this.yarnClusterTimestamp = millis;
        return this;
    }

    /** The Spark UI link of a running batch; {@code {appId}} is replaced. EMR's YARN proxy by default. */
    public FakeLivy sparkUiUrlTemplate(String template) {
        this.sparkUiUrlTemplate = Objects.requireNonNull(template, "template == null");
        return this;
    }

    /** The driver log link; {@code {appId}} and {@code {containerId}} are replaced. A NodeManager's by default. */
    public FakeLivy driverLogUrlTemplate(String template) {
        this.driverLogUrlTemplate = Objects.requireNonNull(template, "template == null");
        return this;
    }

    /** {@code fs.defaultFS}, which a path without a scheme resolves against. */
    public FakeLivy defaultFs(String defaultFs) {
        this.defaultFs = Objects.requireNonNull(defaultFs, "defaultFs == null").replaceAll("/+$", "");
        return this;
    }

    /** {@code livy.file.local-dir-whitelist}: the only directories {@code file:} paths may come from (none). */
    public FakeLivy localDirWhitelist(String... dirs) {
        this.localDirWhitelist =
                Arrays.stream(dirs).map(d -> Path.of(d).normalize()).toList();
        return this;
    }

    /** Spark conf keys a request may not set (Livy's {@code spark-blacklist.conf}); none by default. */
    public FakeLivy blacklistedConf(String... keys) {
        this.blacklistedConf = Set.of(keys);
        return this;
    }

    /** The header read as the request id in the request log and {@link #requests()}. */
    public FakeLivy requestIdHeader(String header) {
        this.requestIdHeader = Objects.requireNonNull(header, "header == null");
        return this;
    }

    /** How many of the latest requests {@link #requests()} keeps (10,000). */
    public FakeLivy recordLimit(int requests) {
        this.recordLimit = requests;
        return this;
    }

    // ---- faults -------------------------------------------------------------------------------------------------

    /**
     * The next {@code count} requests answer {@code status} without doing anything: 500 as Livy's servlet does
     * (a bare JSON string), any other status as an HTML page from a proxy would.
     */
    public void failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
    }

    /** While on, every connection is cut once a request is read: Livy is unreachable. */
    public void dropConnections(boolean on) {
        dropConnections = on;
    }

    /**
     * The next create is rejected inside start-up: Livy 0.7.1 answers {@code 400 {"msg":"<reason>"}}
     * yet keeps the batch, with its id and name, {@code starting} forever and with an empty log, until deleted.
     */
    public void rejectNextCreate(String reason) {
        synchronized (lock) {
            rejectNext = Objects.requireNonNull(reason, "reason == null");
        }
    }

    /**
     * The next {@code creates} creates find {@code livy.server.session.max-creation} spark-submits in flight:
     * {@code 400 {"msg":"Rejected, too many sessions are being created!"}}, no batch, no id taken.
     */
    public void tooManySessions(int creates) {
        tooManySessionsLeft.set(creates);
    }

    /** A restart without recovery (Livy's default): every batch is forgotten and ids start again at 0. */
    public void restart() {
        synchronized (lock) {
            ordered.clear();
            byId.clear();
            byName.clear();
            finished.clear();
            scheduled.clear();
            nextId = 0;
        }
        log.info("restarted without recovery: all batches forgotten, ids start at 0");
    }

    /**
     * A restart with {@code livy.server.recovery.mode=recovery}: ids go on; batches that died or were killed are
     * gone from the state store, the others come back {@code recovering} with only YARN's diagnostics in their log
     * (the spark-submit output went with the old process). Set their next state as YARN would report it.
     */
    public void restartWithRecovery() {
        synchronized (lock) {
            for (FakeBatch batch : List.copyOf(ordered)) {
                if (!batch.started || batch.state == BatchState.DEAD || batch.state == BatchState.KILLED) {
                    remove(batch);
                    continue;
                }
                batch.stdout.clear();
                batch.stderr.clear();
                batch.state = BatchState.RECOVERING;
                batch.finishedAt = null;
            }
        }
        log.info("restarted with recovery: unfinished batches are recovering, ids go on");
    }

    // ---- driving batches ---------------------------------------------------------------------------------------

    /** Called with each batch a create made, as soon as it exists (benchmarks time submissions by it). */
    public void onCreate(Consumer<View> listener) {
        this.createListener = listener == null ? v -> {} : listener;
    }

    /**
     * Moves every batch created from now on along by itself, on the {@link #clock}: {@code running} after
     * {@code startingFor}, then {@code endState} of it after {@code runningFor} more. A state the test sets wins;
     * a batch already finished is left alone.
     */
    public void autoAdvance(Duration startingFor, Duration runningFor, Function<View, BatchState> endState) {
        Objects.requireNonNull(endState, "endState == null");
        this.autoAdvance = new AutoAdvance(
                Objects.requireNonNull(startingFor, "startingFor == null"),
                Objects.requireNonNull(runningFor, "runningFor == null"),
                endState);
    }

    /** {@link #autoAdvance(Duration, Duration, Function)} with the same end for every batch. */
    public void autoAdvance(Duration startingFor, Duration runningFor, BatchState endState) {
        Objects.requireNonNull(endState, "endState == null");
        autoAdvance(startingFor, runningFor, view -> endState);
    }

    /** New batches stay where the test puts them again (transitions already scheduled still happen). */
    public void stopAutoAdvance() {
        this.autoAdvance = null;
    }

    /** Puts a started batch in place without a request, e.g. to load thousands of them quickly. */
    public View addBatch(String name, BatchState state) {
        synchronized (lock) {
            if (name != null && byName.containsKey(name)) {
                throw new IllegalArgumentException("a batch named " + name + " exists: " + byName.get(name).id);
            }
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("file", "s3://seeded/app.py");
            if (name != null) {
                request.put("name", name);
            }
            FakeBatch batch = new FakeBatch(nextId++, name, owner(), null, request, clock.instant(), logBufferSize);
            batch.started = true;
            register(batch);
            transition(batch, state, clock.instant());
            return batch.view(yarn);
        }
    }

    /**
     * Moves a batch on, as Livy would after asking YARN. On YARN, {@code running} (or a success or kill the test
     * jumps to) gives it an {@code application_<ts>_<n>} id and Spark UI and driver log links; a success drops
     * the driver log link, as Livy does once YARN reports the app finished; {@code dead} keeps whatever it had (an
     * app YARN never accepted has no id).
     */
    public void setState(long id, BatchState state) {
        Objects.requireNonNull(state, "state == null");
        synchronized (lock) {
            transition(require(id), state, clock.instant());
        }
    }

    public void setStateByName(String name, BatchState state) {
        Objects.requireNonNull(state, "state == null");
        synchronized (lock) {
            FakeBatch batch = byName.get(name);
            if (batch == null) {
                throw new IllegalArgumentException("no batch named " + name);
            }
            transition(batch, state, clock.instant());
        }
    }

    /**
     * Lines the app printed, keeping only the last {@link #logBufferSize}. As with real Livy, what spark-submit and
     * the app write to stderr lands in the {@code stdout:} section, after the stdout lines given with it; the
     * {@code stderr:} section stays empty.
     */
    public void appendLog(long id, List<String> stdoutLines, List<String> stderrLines) {
        synchronized (lock) {
            FakeBatch batch = require(id);
            stdoutLines.forEach(batch.stdout::add);
            stderrLines.forEach(batch.stdout::add);
        }
    }

    public void appendStdout(long id, String... lines) {
        appendLog(id, List.of(lines), List.of());
    }

    public void appendStderr(long id, String... lines) {
        appendLog(id, List.of(), List.of(lines));
    }

    /** YARN's diagnostics for the app; Livy replaces them on every poll. */
    public void setDiagnostics(long id, String... lines) {
        synchronized (lock) {
            require(id).diagnostics = List.of(lines);
        }
    }

    /**
     * Brings the fake up to its clock now: applies due {@link #autoAdvance} steps and removes finished batches
     * past their retention (at the first check interval after it). Every request does this first.
     */
    public void purgeFinished() {
        synchronized (lock) {
            tick();
        }
    }

    // ---- looking ----------------------------------------------------------------------------------------------

    /** The batch with that id as Livy holds it now, or null. */
    public View batch(long id) {
        synchronized (lock) {
            tick();
            FakeBatch batch = byId.get(id);
            return batch == null ? null : batch.view(yarn);
        }
    }

    public View batchByName(String name) {
        synchronized (lock) {
            tick();
            FakeBatch batch = byName.get(name);
            return batch == null ? null : batch.view(yarn);
        }
    }

    /** Every batch Livy holds, in id order. */
    public List<View> batches() {
        synchronized (lock) {
            tick();
            List<View> views = new ArrayList<>(ordered.size());
            ordered.forEach(b -> views.add(b.view(yarn)));
            return views;
        }
    }

    /**
     * Requests received per endpoint ({@code create}, {@code list}, {@code get}, {@code state}, {@code log},
     * {@code delete}), counting those answered with an injected failure or a cut connection too: it is how many
     * calls a client made.
     */
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

    /** Zeroes the counters and forgets the recorded requests. */
    public void resetCounters() {
        calls.clear();
        synchronized (recordedLock) {
            recorded.clear();
        }
    }

    /** The latest requests received (up to {@link #recordLimit}), oldest first. */
    public List<Recorded> requests() {
        synchronized (recordedLock) {
            return List.copyOf(recorded);
        }
    }

    /** A batch as the test sees it. {@code started} is false for a batch Livy rejected inside start-up. */
    public record View(
            long id,
            String name,
            BatchState state,
            String appId,
            String file,
            List<String> args,
            Map<String, String> conf,
            Map<String, Object> request,
            String owner,
            String proxyUser,
            String sparkUiUrl,
            String driverLogUrl,
            List<String> log,
            boolean started) {}

    /**
     * A request as received.
     *
     * @param path    the path with its query string
     * @param headers every header, names in lower case
     */
    public record Recorded(
            String method,
            String path,
            String requestId,
            String requestedBy,
            String body,
            Map<String, List<String>> headers) {

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    // ---- the server ---------------------------------------------------------------------------------------------

    private MockResponse handle(RecordedRequest request) {
        String method = request.getMethod();
        HttpUrl url = request.getUrl();
        String target = url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery());
        String requestId = request.getHeaders().get(requestIdHeader);
        Route route = Route.of(method, url.pathSegments());
        if (route.endpoint() != null) {
            calls.computeIfAbsent(route.endpoint(), k -> new AtomicInteger()).incrementAndGet();
        }
        record(request, method, target, requestId);
        if (requestId != null) {
            MDC.put("requestId", requestId);
        }
        try {
            if (dropConnections) {
                log.info("{} {} -> connection cut [X-Request-Id={}]", method, target, requestId);
                return new MockResponse.Builder()
                        .onResponseStart(new SocketEffect.CloseSocket())
                        .build();
            }
            Answer answer;
            try {
                answer = answer(request, route, url.encodedPath());
            } catch (RuntimeException e) {
                // Livy's servlet turns what it did not expect into a 500 whose body is the exception as a string.
                log.error("{} {} failed inside the fake", method, target, e);
                answer = new Answer(bareString(500, e.toString()), null);
            }
            log.info(
                    "{} {} -> {} [X-Request-Id={}]",
                    method,
                    target,
                    answer.response().getCode(),
                    requestId);
            if (answer.created() != null) {
                createListener.accept(answer.created());
            }
            return answer.response();
        } finally {
            MDC.remove("requestId");
        }
    }

    private void record(RecordedRequest request, String method, String target, String requestId) {
        Map<String, List<String>> headers = request.getHeaders().toMultimap();
        Recorded entry = new Recorded(
                method,
                target,
                requestId,
                request.getHeaders().get("X-Requested-By"),
                request.getBody() == null ? "" : request.getBody().utf8(),
                headers);
        synchronized (recordedLock) {
            recorded.addLast(entry);
            while (recorded.size() > Math.max(0, recordLimit)) {
                recorded.removeFirst();
            }
        }
    }

    private Answer answer(RecordedRequest request, Route route, String path) {
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            int status = failureStatus;
            return new Answer(
                    status == 500
                            ? bareString(500, "java.lang.IllegalStateException: injected by " + "FakeLivy.failNext")
                            : html(status, "injected by FakeLivy.failNext", path),
                    null);
        }
        String authorization = request.getHeaders().get("Authorization");
        if (basicAuth != null && !basicAuth.equals(authorization)) {
            MockResponse unauthorized = html(401, "Authentication required", path)
                    .newBuilder()
                    .setHeader("WWW-Authenticate", "Basic realm=\"livy\"")
                    .build();
            return new Answer(unauthorized, null);
        }
        if (csrf
                && !CSRF_FREE_METHODS.contains(request.getMethod())
                && request.getHeaders().get("X-Requested-By") == null) {
            return new Answer(html(400, "Missing Required Header for CSRF protection.", path), null);
        }
        if (route.endpoint() == null) {
            // Outside Livy's servlet (a wrong base path) Jetty answers a bare 404 with an empty body.
            return new Answer(
                    route.known()
                            ? html(
                                    405,
                                    "HTTP method " + request.getMethod() + " is not supported " + "by this URL",
                                    path)
                            : text(404, "", "text/plain"),
                    null);
        }
        try {
            return switch (route.endpoint()) {
                case "create" -> create(request);
                case "list" -> new Answer(list(request), null);
                default -> new Answer(onBatch(request, route), null);
            };
        } catch (NumberFormatException e) {
            // Livy reads ids and paging values with toInt; its servlet answers the exception's message.
            return new Answer(msg(400, e.getMessage()), null);
        }
    }

    private Answer create(RecordedRequest request) {
        if (tooManySessionsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new Answer(msg(400, "Rejected, too many sessions are being created!"), null);
        }
        Object parsed =
                parseCreate(request.getBody() == null ? "" : request.getBody().utf8());
        if (parsed instanceof MockResponse refusal) {
            return new Answer(refusal, null);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) parsed;
        String name = (String) fields.get("name");
        String owner = owner();
        String proxyUser = impersonation ? Objects.requireNonNullElse((String) fields.get("proxyUser"), owner) : null;
        synchronized (lock) {
            tick();
            Instant now = clock.instant();
            // Livy takes the id before it validates the name, so refused names leave gaps in the ids.
            long id = nextId++;
            if (name != null && name.chars().allMatch(Character::isDigit)) {
                return new Answer(msg(400, "Invalid session name: " + name), null);
            }
            if (name != null && byName.containsKey(name)) {
                return new Answer(msg(400, "Duplicate session name: Some(" + name + ") for session " + id), null);
            }
            FakeBatch batch = new FakeBatch(id, name, owner, proxyUser, fields, now, logBufferSize);
            // Registered before start-up, so a batch start-up refuses stays listed, starting, for good.
            register(batch);
            MockResponse refused = startUp(batch, fields);
            if (refused != null) {
                return new Answer(refused, batch.view(yarn));
            }
            batch.started = true;
            String file = batch.file();
            if (!file.startsWith("file:")) {
                batch.stdout.add("Warning: Skip remote jar " + file + ".");
            }
            if (createAnswersRunning) {
                transition(batch, BatchState.RUNNING, now);
            }
            AutoAdvance advance = autoAdvance;
            if (advance != null) {
                Instant running = now.plus(advance.startingFor());
                schedule(batch, BatchState.RUNNING, running);
                schedule(batch, advance.endState().apply(batch.view(yarn)), running.plus(advance.runningFor()));
            }
            MockResponse created = new MockResponse.Builder()
                    .code(201)
                    .setHeader("Content-Type", JSON_TYPE)
                    .setHeader("Location", "/batches/" + id)
                    .body(json.writeValueAsString(batch.toJson(yarn)))
                    .build();
            return new Answer(created, batch.view(yarn));
        }
    }

    /**
     * What Jackson does with the body before Livy takes an id: the normalised fields, or a 400 whose body is
     * Jackson's message as a bare JSON string.
     */
    private Object parseCreate(String body) {
        if (body.isBlank()) {
            return bareString(400, "No content to map due to end-of-input");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException e) {
            return bareString(400, e.getOriginalMessage());
        }
        if (!node.isObject()) {
            return bareString(400, cannotDeserialize(CREATE_REQUEST_CLASS, node));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String field = property.getKey();
            JsonNode value = property.getValue();
            if (!FIELDS.contains(field)) {
                return bareString(
                        400,
                        "Unrecognized field \"" + field + "\" (class " + CREATE_REQUEST_CLASS
                                + "), not marked as ignorable (" + FIELDS.size() + " known properties: \""
                                + String.join("\", \"", FIELDS) + "\"])");
            }
            if (STRING_FIELDS.contains(field)) {
                if (value.isContainer()) {
                    return bareString(400, cannotDeserialize("java.lang.String", value));
                }
                fields.put(field, value.isNull() ? null : value.asString());
            } else if (LIST_FIELDS.contains(field)) {
                if (value.isNull()) {
                    fields.put(field, null);
                    continue;
                }
                if (!value.isArray()) {
                    return bareString(400, cannotDeserialize("scala.collection.immutable.List", value));
                }
                List<String> items = new ArrayList<>();
                for (JsonNode item : value) {
                    if (item.isContainer()) {
                        return bareString(400, cannotDeserialize("java.lang.String", item));
                    }
                    items.add(item.isNull() ? null : item.asString());
                }
                fields.put(field, Collections.unmodifiableList(items));
            } else if (field.equals("conf")) {
                if (value.isNull()) {
                    fields.put(field, null);
                    continue;
                }
                if (!value.isObject()) {
                    return bareString(400, cannotDeserialize("scala.collection.immutable.Map", value));
                }
                Map<String, String> conf = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> entry : value.properties()) {
                    if (entry.getValue().isContainer()) {
                        return bareString(400, cannotDeserialize("java.lang.String", entry.getValue()));
                    }
                    conf.put(
                            entry.getKey(),
                            entry.getValue().isNull() ? null : entry.getValue().asString());
                }
                fields.put(field, Collections.unmodifiableMap(conf));
            } else if (!value.isNull()) {
                fields.put(field, value.isInt() ? (Object) value.intValue() : value);
            }
        }
        return fields;
    }

    /**
     * Livy's BatchSession start-up, in its order: the injected rejection, the conf blacklist, the file lists, the
     * required file, the int fields, the main file. Each refusal leaves the batch registered and {@code starting}.
     */
    private MockResponse startUp(FakeBatch batch, Map<String, Object> fields) {
        String reject = rejectNext;
        rejectNext = null;
        try {
            if (reject != null) {
                throw new IllegalArgumentException(reject);
            }
            prepareConf(fields);
            if (fields.get("file") == null) {
                throw new IllegalArgumentException("requirement failed: File is required.");
            }
            for (String field : INT_FIELDS) {
                Object value = fields.get(field);
                if (value != null && !(value instanceof Integer)) {
                    // The erased Option[Int] holds whatever Jackson made of the value; unboxing it fails.
                    return bareString(
                            500,
                            "java.lang.ClassCastException: " + javaType((JsonNode) value)
                                    + " cannot be cast to java.lang.Integer");
                }
            }
            resolve(batch.file());
            return null;
        } catch (IllegalArgumentException e) {
            log.info("batch {} rejected inside start-up, stays starting: {}", batch.id, e.getMessage());
            // 0.7.1 answers the bare message; later versions prefix "Rejected, Reason: ".
            return msg(400, e.getMessage());
        } catch (NullPointerException e) {
            return bareString(500, "java.lang.NullPointerException");
        }
    }

    /** Livy's Session.prepareConf: no blacklisted keys, every file list entry resolvable and allowed. */
    @SuppressWarnings("unchecked")
    private void prepareConf(Map<String, Object> fields) {
        if (fields.containsKey("conf") && fields.get("conf") == null) {
            return; // Livy returns early for a null conf, checking nothing
        }
        Map<String, String> conf = (Map<String, String>) fields.getOrDefault("conf", Map.of());
        List<String> blacklisted = conf.keySet().stream()
                .filter(blacklistedConf::contains)
                .sorted()
                .toList();
        if (!blacklisted.isEmpty()) {
            throw new IllegalArgumentException(
                    "Blacklisted configuration values in session config: " + String.join(", ", blacklisted));
        }
        for (String field : FILE_LISTS) {
            if (fields.containsKey(field) && fields.get(field) == null) {
                throw new NullPointerException(field);
            }
            for (String uri : (List<String>) fields.getOrDefault(field, List.of())) {
                if (uri != null && !uri.isEmpty()) {
                    resolve(uri);
                }
            }
        }
        for (String key : CONF_FILE_LISTS) {
            String list = conf.get(key);
            if (list != null) {
                for (String uri : list.split("[, ]+")) {
                    if (!uri.isEmpty()) {
                        resolve(uri);
                    }
                }
            }
        }
    }

    /** Livy's Session.resolveURI: a path needs to be absolute, a {@code file:} one whitelisted. */
    private void resolve(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.toString());
        }
        URI resolved = uri;
        if (uri.getScheme() == null) {
            String path = uri.getPath() == null ? "" : uri.getPath();
            String withFragment = uri.getFragment() != null ? path + "#" + uri.getFragment() : path;
            if (!withFragment.startsWith("/")) {
                throw new IllegalArgumentException(
                        "requirement failed: Path '" + uri.getPath() + "' is not " + "absolute.");
            }
            resolved = URI.create(defaultFs + withFragment);
        }
        if ("file".equals(resolved.getScheme())) {
            Path path = Path.of(resolved.getPath()).normalize();
            if (localDirWhitelist.stream().noneMatch(path::startsWith)) {
                throw new IllegalArgumentException(
                        "requirement failed: Local path " + uri.getPath() + " cannot be added to user sessions.");
            }
        }
    }

    private MockResponse list(RecordedRequest request) {
        int from = intParam(request, "from", 0);
        int size = intParam(request, "size", 100);
        ObjectNode node = json.createObjectNode();
        synchronized (lock) {
            tick();
            node.put("from", from);
            node.put("total", ordered.size());
            ArrayNode sessions = node.putArray("sessions");
            // Livy slices its sessions with view(from, from + size): a negative from counts as 0.
            int start = Math.max(0, from);
            long end = Math.min(ordered.size(), (long) from + size);
            for (int i = start; i < end; i++) {
                sessions.add(ordered.get(i).toJson(yarn));
            }
        }
        return json(200, node);
    }

    private MockResponse onBatch(RecordedRequest request, Route route) {
        String idOrName = route.idOrName();
        synchronized (lock) {
            tick();
            FakeBatch batch = idOrName.chars().allMatch(Character::isDigit)
                    ? byId.get((long) Integer.parseInt(idOrName))
                    : byName.get(idOrName);
            if (batch == null) {
                return msg(404, "Session '" + idOrName + "' not found.");
            }
            switch (route.endpoint()) {
                case "get":
                    return json(200, batch.toJson(yarn));
                case "state": {
                    ObjectNode node = json.createObjectNode();
                    node.put("id", batch.id);
                    node.put("state", batch.state.wireValue());
                    return json(200, node);
                }
                case "log":
                    return log(request, batch);
                case "delete":
                    // Livy kills the app, waits, then removes the batch: a client never sees it killed.
                    remove(batch);
                    return msg(200, "deleted");
                default:
                    throw new IllegalStateException("no endpoint " + route.endpoint());
            }
        }
    }

    /** Livy's serializeLogs: size 100 by default, negative means all; from defaults to "the last size lines". */
    private MockResponse log(RecordedRequest request, FakeBatch batch) {
        String fromParam = request.getUrl().queryParameter("from");
        String sizeParam = request.getUrl().queryParameter("size");
        Integer fromValue = fromParam == null ? null : Integer.parseInt(fromParam);
        int size = sizeParam == null ? 100 : Integer.parseInt(sizeParam);
        List<String> lines = batch.log(yarn);
        if (size < 0) {
            size = lines.size();
        }
        int from = fromValue == null ? -1 : fromValue;
        if (from < 0) {
            from = Math.max(0, lines.size() - size);
        }
        int start = Math.min(from, lines.size());
        int end = (int) Math.min(lines.size(), (long) from + size);
        ObjectNode node = json.createObjectNode();
        node.put("id", batch.id);
        node.put("from", from);
        node.put("total", lines.size());
        ArrayNode log = node.putArray("log");
        if (start < end) {
            lines.subList(start, end).forEach(log::add);
        }
        return json(200, node);
    }

    // ---- state, under lock ---------------------------------------------------------------------------------------

    private void register(FakeBatch batch) {
        ordered.add(batch);
        byId.put(batch.id, batch);
        if (batch.name != null) {
            byName.put(batch.name, batch);
        }
    }

    private void remove(FakeBatch batch) {
        byId.remove(batch.id);
        if (batch.name != null) {
            byName.remove(batch.name, batch);
        }
        int index = Collections.binarySearch(ordered, batch, Comparator.comparingLong(b -> b.id));
        if (index >= 0) {
            ordered.remove(index);
        }
    }

    private FakeBatch require(long id) {
        FakeBatch batch = byId.get(id);
        if (batch == null) {
            throw new IllegalArgumentException("no batch " + id + " (deleted, purged, or forgotten in a restart?)");
        }
        return batch;
    }

    private void transition(FakeBatch batch, BatchState state, Instant at) {
        batch.state = state;
        if (yarn
                && batch.appId == null
                && (state == BatchState.RUNNING || state == BatchState.SUCCESS || state == BatchState.KILLED)) {
            long number = ++yarnApps;
            batch.appId = String.format("application_%d_%04d", yarnClusterTimestamp, number);
            String containerId = String.format("container_%d_%04d_01_000001", yarnClusterTimestamp, number);
            batch.sparkUiUrl = sparkUiUrlTemplate.replace("{appId}", batch.appId);
            batch.driverLogUrl =
                    driverLogUrlTemplate.replace("{appId}", batch.appId).replace("{containerId}", containerId);
        }
        if (state == BatchState.SUCCESS) {
            batch.driverLogUrl = null;
        }
        if (!state.isFinished()) {
            batch.finishedAt = null;
        } else if (batch.finishedAt == null) {
            batch.finishedAt = at;
            finished.add(new Due(at, dueSequence++, batch, state));
        }
    }

    private void schedule(FakeBatch batch, BatchState state, Instant at) {
        scheduled.add(new Due(at, dueSequence++, batch, state));
    }

    /** Applies due auto-advance steps, then purges finished batches past retention; both in time order. */
    private void tick() {
        Instant now = clock.instant();
        while (!scheduled.isEmpty() && !scheduled.peek().at().isAfter(now)) {
            Due step = scheduled.poll();
            FakeBatch batch = step.batch();
            if (byId.get(batch.id) == batch && !batch.state.isFinished()) {
                transition(batch, step.state(), step.at());
            }
        }
        Duration keep = retention;
        while (!finished.isEmpty() && !purgeAt(finished.peek().at(), keep).isAfter(now)) {
            Due done = finished.poll();
            FakeBatch batch = done.batch();
            // Skip entries a later transition made stale (a batch moved out of a finished state and back).
            if (byId.get(batch.id) == batch && done.at().equals(batch.finishedAt)) {
                remove(batch);
                log.info("purged batch {} ({}), {} since it finished", batch.id, batch.state.wireValue(), keep);
            }
        }
    }

    /** The first retention check at or after {@code finishedAt + keep}; checks fall on multiples of the interval. */
    private Instant purgeAt(Instant finishedAt, Duration keep) {
        long interval = checkInterval.toMillis();
        long due = finishedAt.plus(keep).toEpochMilli();
        return Instant.ofEpochMilli(Math.floorDiv(due + interval - 1, interval) * interval);
    }

    private String owner() {
        return basicAuth == null ? null : basicAuthUser;
    }

    // ---- answers ----------------------------------------------------------------------------------------------

    private static int intParam(RecordedRequest request, String name, int fallback) {
        String value = request.getUrl().queryParameter(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    private static String cannotDeserialize(String type, JsonNode value) {
        return "Cannot deserialize instance of `" + type + "` out of " + token(value) + " token";
    }

    private static String token(JsonNode value) {
        if (value.isObject()) {
            return "START_OBJECT";
        }
        if (value.isArray()) {
            return "START_ARRAY";
        }
        if (value.isString()) {
            return "VALUE_STRING";
        }
        if (value.isIntegralNumber()) {
            return "VALUE_NUMBER_INT";
        }
        if (value.isNumber()) {
            return "VALUE_NUMBER_FLOAT";
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "VALUE_TRUE" : "VALUE_FALSE";
        }
        return "VALUE_NULL";
    }

    private static String javaType(JsonNode value) {
        if (value.isString()) {
            return "java.lang.String";
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? "java.lang.Long" : "java.math.BigInteger";
        }
        if (value.isNumber()) {
            return "java.lang.Double";
        }
        if (value.isBoolean()) {
            return "java.lang.Boolean";
        }
        return value.isArray() ? "scala.collection.immutable.$colon$colon" : "scala.collection.immutable.Map$Map1";
    }

    private MockResponse msg(int status, String message) {
        ObjectNode node = json.createObjectNode();
        node.put("msg", message);
        return json(status, node);
    }

    private MockResponse bareString(int status, String message) {
        return text(status, json.writeValueAsString(message), JSON_TYPE);
    }

    private MockResponse json(int status, JsonNode node) {
        return text(status, json.writeValueAsString(node), JSON_TYPE);
    }

    /** Jetty's error page, as Livy's filters and anything in front of it send. */
    private static MockResponse html(int status, String reason, String path) {
        String body = "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n"
                + "<title>Error " + status + " " + reason + "</title>\n</head>\n<body><h2>HTTP ERROR " + status
                + "</h2>\n<p>Problem accessing " + path + ". Reason:\n<pre>    " + reason + "</pre></p><hr>"
                + "<a href=\"http://eclipse.org/jetty\">Powered by Jetty:// 9.3.24.v20180605</a><hr/>\n\n</body>\n"
                + "</html>\n";
        return text(status, body, "text/html;charset=iso-8859-1");
    }

    private static MockResponse text(int status, String body, String contentType) {
        return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", contentType)
                .body(body)
                .build();
    }

    /** What a request asks for: an endpoint and the id or name in its path, or an unknown route. */
    private record Route(String endpoint, String idOrName, boolean known) {

        static Route of(String method, List<String> segments) {
            List<String> parts = new ArrayList<>(segments);
            while (!parts.isEmpty() && parts.get(parts.size() - 1).isEmpty()) {
                parts.remove(parts.size() - 1); // "/batches/" is "/batches"
            }
            if (parts.isEmpty() || !parts.get(0).equals("batches") || parts.size() > 3) {
                return new Route(null, null, false);
            }
            String endpoint = switch (parts.size()) {
                case 1 -> method.equals("GET") ? "list" : method.equals("POST") ? "create" : null;
                case 2 -> method.equals("GET") ? "get" : method.equals("DELETE") ? "delete" : null;
                default ->
                    parts.get(2).equals("state") && method.equals("GET")
                            ? "state"
                            : parts.get(2).equals("log") && method.equals("GET") ? "log" : null;
            };
            boolean known = parts.size() < 3
                    || parts.get(2).equals("state")
                    || parts.get(2).equals("log");
            return new Route(endpoint, parts.size() > 1 ? parts.get(1) : null, known);
        }
    }

    /** A response, and the batch a create made (reported to the create listener once answered). */
    private record Answer(MockResponse response, View created) {}

    /** A batch's next auto-advance step, or the moment it finished; ordered by time, then by when queued. */
    private record Due(Instant at, long sequence, FakeBatch batch, BatchState state) {
        static final Comparator<Due> ORDER = Comparator.comparing(Due::at).thenComparingLong(Due::sequence);
    }

    private record AutoAdvance(Duration startingFor, Duration runningFor, Function<View, BatchState> endState) {}

    /**
     * Answers without Nagle's delay: MockWebServer writes a response in pieces, and with Nagle on each answer
     * waits ~40 ms for the client's delayed ACK, which would swamp what benchmarks measure.
     */
    private static final class NoDelayServerSocketFactory extends ServerSocketFactory {

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return new ServerSocket() {
                @Override
                public Socket accept() throws IOException {
                    Socket socket = super.accept();
                    socket.setTcpNoDelay(true);
                    return socket;
                }
            };
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket socket = createServerSocket();
            socket.bind(new InetSocketAddress(port));
            return socket;
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            ServerSocket socket = createServerSocket();
            socket.bind(new InetSocketAddress(port), backlog);
            return socket;
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            ServerSocket socket = createServerSocket();
            socket.bind(new InetSocketAddress(address, port), backlog);
            return socket;
        }
    }
}
