package io.platyspark.livy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A typed client for Livy's batch REST API. Immutable and thread-safe; share one per Livy server, and one
 * {@link OkHttpClient} across all of them. Every call sends {@code X-Requested-By} (Livy's CSRF header) and the
 * caller's request id; reads and deletes are retried with backoff on transport errors, 5xx and 429, a create
 * never is (whether Livy took it is unknown: look the batch up by name instead).
 */
public final class LivyClient {

    private static final Logger log = LoggerFactory.getLogger(LivyClient.class);
    private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
    /** At most this much of an error body is kept in an exception. */
    private static final int SNIPPET_BYTES = 1024;
    /** At most this much of an error body is read to find Livy's message (a proxy may send a large page). */
    private static final long ERROR_BODY_LIMIT = 64 * 1024;

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final HttpUrl baseUrl;
    private final OkHttpClient http;
    private final OkHttpClient httpForCreates;
    private final String requestedBy;
    private final String authorization;
    private final String requestIdHeader;
    private final Supplier<String> requestId;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final JsonMapper json = new JsonMapper();

    private LivyClient(Builder b) {
        this.baseUrl = b.baseUrl;
        OkHttpClient shared = b.http != null ? b.http : new OkHttpClient();
        // newBuilder() shares the pool and dispatcher: per-server timeouts without a client per server.
        OkHttpClient.Builder tuned = shared.newBuilder();
        if (b.connectTimeout != null) {
            tuned.connectTimeout(b.connectTimeout);
        }
        if (b.readTimeout != null) {
            tuned.readTimeout(b.readTimeout);
        }
        this.http = tuned.build();
        // OkHttp silently sends a request again when a reused connection fails, POST included: Livy may already
        // have taken the create, and a second one would run the job twice. Reads keep that stale-connection cure.
        this.httpForCreates = http.newBuilder().retryOnConnectionFailure(false).build();
        this.requestedBy = b.requestedBy;
        this.authorization = b.basicAuth != null ? b.basicAuth : b.bearer;
        this.requestIdHeader = b.requestIdHeader;
        this.requestId = b.requestId;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
    }

    public static Builder builder() {
        return new Builder();
    }

    public HttpUrl baseUrl() {
        return baseUrl;
    }

    /** {@code POST /batches}. Never retried: after a failure, look the batch up by its name before creating again. */
    public Batch createBatch(CreateBatchRequest request) {
        Objects.requireNonNull(request, "request == null");
        HttpUrl url = url("batches");
        RequestBody body = RequestBody.create(json.writeValueAsString(request.toJson()), JSON_TYPE);
        return batch("POST", url, call("POST", url, body, false));
    }

    /** {@code GET /batches/{id}}. */
    public Batch getBatch(long id) {
        HttpUrl url = url("batches", String.valueOf(id));
        return batch("GET", url, call("GET", url, null, true));
    }

    /**
     * {@code GET /batches/{name}}: Livy looks up anything that is not all digits by name.
     *
     * @return empty when Livy says it holds no batch by that name; a 404 from anything else (a wrong base path,
     *         a proxy) is thrown, because it says nothing about the batch
     */
    public Optional<Batch> findBatchByName(String name) {
        Objects.requireNonNull(name, "name == null");
        if (name.isEmpty() || name.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(
                    "name '" + name + "' is empty or all digits; Livy reads digits as an " + "id: use getBatch(id)");
        }
        HttpUrl url = url("batches", name);
        try {
            return Optional.of(batch("GET", url, call("GET", url, null, true)));
        } catch (LivyNotFoundException e) {
            if (e.isNoSuchBatch()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code GET /batches/{id}/state}. */
    public BatchStateResponse getBatchState(long id) {
        HttpUrl url = url("batches", String.valueOf(id), "state");
        JsonNode node = call("GET", url, null, true);
        return new BatchStateResponse(requiredId("GET", url, node), BatchState.fromWire(text(node, "state")));
    }

    /** {@code GET /batches?from=&size=}; {@code total} in the answer counts every batch Livy holds. */
    public BatchPage listBatches(int from, int size) {
        if (from < 0 || size < 0) {
            throw new IllegalArgumentException("from and size must be >= 0, got from=" + from + ", size=" + size);
        }
        HttpUrl url = url("batches")
                .newBuilder()
                .addQueryParameter("from", String.valueOf(from))
                .addQueryParameter("size", String.valueOf(size))
                .build();
        JsonNode node = call("GET", url, null, true);
        JsonNode sessions = node.path("sessions");
        if (!sessions.isArray()) {
            throw new LivyException("GET", url.toString(), "the answer has no 'sessions' list: " + snippet(node), null);
        }
        List<Batch> batches = new ArrayList<>(sessions.size());
        for (JsonNode session : sessions) {
            batches.add(batch("GET", url, session));
        }
        return new BatchPage(node.path("from").asInt(from), node.path("total").asInt(batches.size()), batches);
    }

    /**
     * {@code GET /batches/{id}/log?from=&size=}. A negative {@code from} means "the last {@code size} lines", a
     * negative {@code size} "every line"; Livy keeps only its last 200 lines per stream, so offsets shift once the
     * buffer wraps.
     */
    public BatchLog getBatchLog(long id, int from, int size) {
        HttpUrl url = url("batches", String.valueOf(id), "log")
                .newBuilder()
                .addQueryParameter("from", String.valueOf(from))
                .addQueryParameter("size", String.valueOf(size))
                .build();
        JsonNode node = call("GET", url, null, true);
        return new BatchLog(
                requiredId("GET", url, node),
                node.path("from").asInt(from),
                node.path("total").asInt(0),
                strings(node.path("log")));
    }

    /**
     * {@code DELETE /batches/{id}}: kills the app and removes the batch (a later GET is 404). Retried like a read;
     * a retry after a delete that took effect ends in {@link LivyNotFoundException}.
     */
    public void deleteBatch(long id) {
        call("DELETE", url("batches", String.valueOf(id)), null, true);
    }

    private HttpUrl url(String... segments) {
        HttpUrl.Builder builder = baseUrl.newBuilder();
        for (String segment : segments) {
            builder.addPathSegment(segment);
        }
        return builder.build();
    }

    private JsonNode call(String method, HttpUrl url, RequestBody body, boolean idempotent) {
        // One id per logical call, so every attempt of it is traced under the same id.
        String id = requestId == null || requestIdHeader == null ? null : requestId.get();
        int attempt = 0;
        while (true) {
            try {
                return once(method, url, body, id);
            } catch (LivyException e) {
                if (!idempotent || attempt >= maxRetries || !e.isRetryable()) {
                    throw e;
                }
                attempt++;
                backoff(method, url, attempt, e);
            }
        }
    }

    private void backoff(String method, HttpUrl url, int attempt, LivyException cause) {
        long wait = Math.min(MAX_BACKOFF.toMillis(), retryBackoff.toMillis() << Math.min(attempt - 1, 16));
        log.info(
                "retrying {} {} in {} ms (retry {} of {}): {}",
                method,
                url,
                wait,
                attempt,
                maxRetries,
                cause.getMessage());
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    private JsonNode once(String method, HttpUrl url, RequestBody body, String id) {
        Request.Builder request = new Request.Builder()
                .url(url)
                .method(method, body)
                .header("Accept", "application/json")
                .header("X-Requested-By", requestedBy);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (id != null && !id.isBlank()) {
            request.header(requestIdHeader, id);
        }
        long started = System.nanoTime();
        OkHttpClient client = method.equals("POST") ? httpForCreates : http;
        try (Response response = client.newCall(request.build()).execute()) {
            int status = response.code();
            log.debug("{} {} -> {} in {} ms", method, url, status, (System.nanoTime() - started) / 1_000_000);
            if (response.isSuccessful()) {
                return parse(method, url, response.body().bytes());
            }
            throw error(method, url, status, head(response.body()));
        } catch (IOException e) {
            throw new LivyTransportException(method, url.toString(), e);
        }
    }

    /**
     * Parsed from the bytes: a tracking cycle's list pages run to megabytes, and decoding them into a String first
     * doubled what a cycle allocates.
     */
    private JsonNode parse(String method, HttpUrl url, byte[] body) {
        if (isBlank(body)) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw new LivyException(
                    method,
                    url.toString(),
                    "the answer is not Livy's JSON (is the base URL right?): "
                            + snippet(new String(body, StandardCharsets.UTF_8)),
                    null);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String head(ResponseBody body) throws IOException {
        BufferedSource source = body.source();
        source.request(ERROR_BODY_LIMIT);
        long available = Math.min(source.getBuffer().size(), ERROR_BODY_LIMIT);
        return source.getBuffer().readString(available, StandardCharsets.UTF_8);
    }

    private LivyHttpException error(String method, HttpUrl url, int status, String body) {
        String message = livyMessage(body);
        String snippet = snippet(body);
        if (status == 404) {
            return new LivyNotFoundException(method, url.toString(), message, snippet);
        }
        if (status >= 500) {
            return new LivyServerException(method, url.toString(), status, message, snippet);
        }
        return new LivyClientException(method, url.toString(), status, message, snippet);
    }

    /** Livy's error bodies are {@code {"msg": ...}} or, for JSON it could not read, a bare JSON string. */
    private String livyMessage(String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null) {
                return null;
            }
            if (node.isString()) {
                return node.stringValue();
            }
            if (node.path("msg").isString()) {
                return node.path("msg").stringValue();
            }
        } catch (JacksonException e) {
            // HTML from a proxy or Livy's CSRF filter: the snippet carries it
        }
        return null;
    }

    /** The start of a body, at most {@link #SNIPPET_BYTES} bytes of UTF-8, cut on a character boundary. */
    static String snippet(Object body) {
        String text = body == null ? "" : body.toString().strip();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= SNIPPET_BYTES) {
            return text;
        }
        int end = SNIPPET_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // back off a continuation byte so no character is split
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static long requiredId(String method, HttpUrl url, JsonNode node) {
        JsonNode id = node.path("id");
        if (!id.isIntegralNumber()) {
            throw new LivyException(method, url.toString(), "the answer has no numeric 'id': " + snippet(node), null);
        }
        return id.asLong();
    }

    private static Batch batch(String method, HttpUrl url, JsonNode node) {
        JsonNode info = node.path("appInfo");
        AppInfo appInfo = AppInfo.EMPTY;
        if (info.isObject()) {
            Map<String, String> other = new LinkedHashMap<>();
            info.properties().forEach(e -> {
                if (!e.getKey().equals("driverLogUrl")
                        && !e.getKey().equals("sparkUiUrl")
                        && !e.getValue().isNull()) {
                    other.put(
                            e.getKey(),
                            e.getValue().isString()
                                    ? e.getValue().stringValue()
                                    : e.getValue().toString());
                }
            });
            appInfo = new AppInfo(text(info, "driverLogUrl"), text(info, "sparkUiUrl"), other);
        }
        return new Batch(
                requiredId(method, url, node),
                text(node, "name"),
                text(node, "owner"),
                text(node, "proxyUser"),
                BatchState.fromWire(text(node, "state")),
                text(node, "appId"),
                appInfo,
                strings(node.path("log")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>(array.size());
        for (JsonNode item : array) {
            values.add(item.asString());
        }
        return values;
    }

    /** Configures a {@link LivyClient}; {@link #build()} fails without a valid base URL. */
    public static final class Builder {
        private HttpUrl baseUrl;
        private OkHttpClient http;
        private Duration connectTimeout;
        private Duration readTimeout;
        private String requestedBy = "livy-client";
        private String basicAuth;
        private String bearer;
        private String requestIdHeader = "X-Request-Id";
        private Supplier<String> requestId;
        private int maxRetries = 2;
        private Duration retryBackoff = Duration.ofMillis(500);

        /**
         * Livy's address, e.g. {@code http://emr-master:8998}, or with the path of a gateway in front of it
         * ({@code https://knox:8443/gateway/default/livy/v1}).
         */
        public Builder baseUrl(String url) {
            Objects.requireNonNull(url, "baseUrl == null");
            HttpUrl parsed = HttpUrl.parse(url.strip());
            if (parsed == null) {
                throw new IllegalArgumentException(
                        "baseUrl '" + url + "' is not an http(s) URL; expected e.g. " + "http://emr-master:8998");
            }
            if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
                // Credentials in the URL would end up in every exception message and log line.
                throw new IllegalArgumentException(
                        "baseUrl carries credentials; give them to basicAuth(user, " + "password) instead");
            }
            if (parsed.query() != null || parsed.fragment() != null) {
                throw new IllegalArgumentException(
                        "baseUrl '" + url + "' has a query or fragment; give only " + "scheme, host, port and path");
            }
            this.baseUrl = parsed;
            return this;
        }

        /** The shared client whose connection pool and dispatcher every LivyClient uses. */
        public Builder okHttpClient(OkHttpClient http) {
            this.http = Objects.requireNonNull(http, "okHttpClient == null");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = nonNegative("connectTimeout", timeout);
            return this;
        }

        /** Also bounds a DELETE, which Livy answers only once the app is killed. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = nonNegative("readTimeout", timeout);
            return this;
        }

        /** The value of {@code X-Requested-By}, which Livy's CSRF protection requires on every non-GET call. */
        public Builder requestedBy(String requestedBy) {
            Objects.requireNonNull(requestedBy, "requestedBy == null");
            if (requestedBy.isBlank()) {
                throw new IllegalArgumentException("requestedBy is blank; Livy's CSRF filter needs a value");
            }
            this.requestedBy = requestedBy;
            return this;
        }

        /** HTTP basic auth, as Livy's LDAP authentication expects. */
        public Builder basicAuth(String user, String password) {
            Objects.requireNonNull(user, "user == null");
            this.basicAuth = Credentials.basic(user, password == null ? "" : password, StandardCharsets.UTF_8);
            return this;
        }

        /** A bearer token, for a gateway or custom auth filter in front of Livy. */
        public Builder bearerToken(String token) {
            this.bearer = "Bearer " + Objects.requireNonNull(token, "token == null");
            return this;
        }

        /** The header the request id travels in ({@code X-Request-Id} by default); null sends none. */
        public Builder requestIdHeader(String header) {
            this.requestIdHeader = header;
            return this;
        }

        /** Called once per call (retries reuse its answer); a non-blank value is sent in the request-id header. */
        public Builder requestIdSupplier(Supplier<String> requestId) {
            this.requestId = requestId;
            return this;
        }

        /** Retries of a read or delete after the first attempt; creates are never retried. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** The wait before the first retry; it doubles for each next one, up to 30 s. */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = nonNegative("retryBackoff", Objects.requireNonNull(backoff, "retryBackoff == null"));
            return this;
        }

        public LivyClient build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required, e.g. baseUrl(\"http://emr-master:8998\")");
            }
            if (basicAuth != null && bearer != null) {
                throw new IllegalStateException("both basicAuth and bearerToken are set; Livy takes one");
            }
            return new LivyClient(this);
        }

        private static Duration nonNegative(String field, Duration value) {
            if (value != null && value.isNegative()) {
                throw new IllegalArgumentException(field + " must not be negative, got " + value);
            }
            return value;
        }
    }
}
