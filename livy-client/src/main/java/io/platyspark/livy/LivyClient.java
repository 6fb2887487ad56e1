package io.platyspark.livy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
    private static final int SNIPPET = 1024;

    private final HttpUrl baseUrl;
    private final OkHttpClient http;
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
        OkHttpClient.Builder tuned = shared.newBuilder();
        if (b.connectTimeout != null) {
            tuned.connectTimeout(b.connectTimeout);
        }
        if (b.readTimeout != null) {
            tuned.readTimeout(b.readTimeout);
        }
        // newBuilder() shares the pool and dispatcher: per-server timeouts without a client per server.
        this.http = tuned.build();
        this.requestedBy = b.requestedBy;
        this.authorization = b.authorization;
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

    /** {@code POST /batches}. Never retried. */
    public Batch createBatch(CreateBatchRequest request) {
        Objects.requireNonNull(request, "request == null");
        HttpUrl url = url("batches");
        RequestBody body = RequestBody.create(json.writeValueAsString(request.toJson()), JSON_TYPE);
        return batch(call("POST", url, body, false));
    }

    /** {@code GET /batches/{id}}. */
    public Batch getBatch(long id) {
        return batch(call("GET", url("batches", String.valueOf(id)), null, true));
    }

    /**
     * {@code GET /batches/{name}}: Livy looks up anything that is not all digits by name.
     *
     * @return empty when Livy has no batch by that name
     */
    public Optional<Batch> findBatchByName(String name) {
        Objects.requireNonNull(name, "name == null");
        if (name.isEmpty() || name.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("Livy looks up all-digit names as ids: '" + name + "'");
        }
        try {
            return Optional.of(batch(call("GET", url("batches", name), null, true)));
        } catch (LivyNotFoundException e) {
            return Optional.empty();
        }
    }

    /** {@code GET /batches/{id}/state}. */
    public BatchStateResponse getBatchState(long id) {
        JsonNode node = call("GET", url("batches", String.valueOf(id), "state"), null, true);
        return new BatchStateResponse(node.path("id").asLong(id), BatchState.fromWire(text(node, "state")));
    }

    /** {@code GET /batches?from=&size=}. */
    public BatchPage listBatches(int from, int size) {
        HttpUrl url = url("batches").newBuilder()
                .addQueryParameter("from", String.valueOf(from))
                .addQueryParameter("size", String.valueOf(size))
                .build();
        JsonNode node = call("GET", url, null, true);
        List<Batch> sessions = new ArrayList<>();
        for (JsonNode session : node.path("sessions")) {
            sessions.add(batch(session));
        }
        return new BatchPage(node.path("from").asInt(from), node.path("total").asInt(sessions.size()), sessions);
    }

    /** {@code GET /batches/{id}/log?from=&size=}; a negative {@code from} means "the last {@code size} lines". */
    public BatchLog getBatchLog(long id, int from, int size) {
        HttpUrl url = url("batches", String.valueOf(id), "log").newBuilder()
                .addQueryParameter("from", String.valueOf(from))
                .addQueryParameter("size", String.valueOf(size))
                .build();
        JsonNode node = call("GET", url, null, true);
        return new BatchLog(node.path("id").asLong(id), node.path("from").asInt(from), node.path("total").asInt(0),
                strings(node.path("log")));
    }

    /** {@code DELETE /batches/{id}}: kills the app and removes the batch (a later GET is 404). */
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
        int attempt = 0;
        while (true) {
            try {
                return once(method, url, body);
            } catch (LivyTransportException | LivyServerException e) {
                if (!idempotent || attempt >= maxRetries) {
                    throw e;
                }
                attempt++;
                backoff(method, url, attempt, e);
            } catch (LivyClientException e) {
                if (!idempotent || attempt >= maxRetries || e.status() != 429) {
                    throw e;
                }
                attempt++;
                backoff(method, url, attempt, e);
            }
        }
    }

    private void backoff(String method, HttpUrl url, int attempt, LivyException cause) {
        long wait = retryBackoff.toMillis() << Math.min(attempt - 1, 10);
        log.debug("retrying {} {} in {} ms (attempt {} of {}): {}", method, url, wait, attempt, maxRetries,
                cause.getMessage());
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    private JsonNode once(String method, HttpUrl url, RequestBody body) {
        Request.Builder request = new Request.Builder().url(url).method(method, body)
                .header("Accept", "application/json")
                .header("X-Requested-By", requestedBy);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        String id = requestId == null ? null : requestId.get();
        if (id != null && requestIdHeader != null) {
            request.header(requestIdHeader, id);
        }
        String text;
        int status;
        try (Response response = http.newCall(request.build()).execute()) {
            status = response.code();
            text = response.body().string();
        } catch (IOException e) {
            throw new LivyTransportException(method, url.toString(), e);
        }
        if (status >= 200 && status < 300) {
            try {
                return text.isBlank() ? json.createObjectNode() : json.readTree(text);
            } catch (JacksonException e) {
                throw new LivyServerException(method, url.toString(), status, "answer is not JSON",
                        snippet(text));
            }
        }
        String message = livyMessage(text);
        String snippet = snippet(text);
        if (status == 404) {
            throw new LivyNotFoundException(method, url.toString(), message, snippet);
        }
        if (status >= 500) {
            throw new LivyServerException(method, url.toString(), status, message, snippet);
        }
        throw new LivyClientException(method, url.toString(), status, message, snippet);
    }

    /** Livy's error bodies are {@code {"msg": ...}} or, for JSON it could not read, a bare JSON string. */
    private String livyMessage(String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node.isString()) {
                return node.asString();
            }
            if (node.path("msg").isString()) {
                return node.path("msg").asString();
            }
        } catch (JacksonException e) {
            // HTML from a proxy or Livy's CSRF filter: the snippet carries it
        }
        return null;
    }

    private static String snippet(String body) {
        String trimmed = body == null ? "" : body.strip();
        return trimmed.length() <= SNIPPET ? trimmed : trimmed.substring(0, SNIPPET) + "…";
    }

    private static Batch batch(JsonNode node) {
        JsonNode info = node.path("appInfo");
        AppInfo appInfo = AppInfo.EMPTY;
        if (info.isObject()) {
            Map<String, String> other = new HashMap<>();
            info.properties().forEach(e -> {
                if (!e.getKey().equals("driverLogUrl") && !e.getKey().equals("sparkUiUrl") && !e.getValue().isNull()) {
                    other.put(e.getKey(), e.getValue().isString() ? e.getValue().asString() : e.getValue().toString());
                }
            });
            appInfo = new AppInfo(text(info, "driverLogUrl"), text(info, "sparkUiUrl"), other);
        }
        return new Batch(node.path("id").asLong(), text(node, "name"), text(node, "owner"), text(node, "proxyUser"),
                BatchState.fromWire(text(node, "state")), text(node, "appId"), appInfo, strings(node.path("log")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
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
        private String authorization;
        private String requestIdHeader = "X-Request-Id";
        private Supplier<String> requestId;
        private int maxRetries = 2;
        private Duration retryBackoff = Duration.ofMillis(500);

        public Builder baseUrl(String url) {
            Objects.requireNonNull(url, "baseUrl == null");
            HttpUrl parsed = HttpUrl.parse(url);
            if (parsed == null) {
                throw new IllegalArgumentException("not an http(s) URL: " + url);
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
            this.connectTimeout = timeout;
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        /** The value of {@code X-Requested-By}, which Livy's CSRF protection requires on every non-GET call. */
        public Builder requestedBy(String requestedBy) {
            this.requestedBy = Objects.requireNonNull(requestedBy, "requestedBy == null");
            return this;
        }

        public Builder basicAuth(String user, String password) {
            this.authorization = Credentials.basic(user, password == null ? "" : password);
            return this;
        }

        public Builder bearerToken(String token) {
            this.authorization = "Bearer " + Objects.requireNonNull(token, "token == null");
            return this;
        }

        public Builder requestIdHeader(String header) {
            this.requestIdHeader = header;
            return this;
        }

        /** Called on every request; a non-null value is sent in the request-id header. */
        public Builder requestIdSupplier(Supplier<String> requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries < 0");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = Objects.requireNonNull(backoff, "retryBackoff == null");
            return this;
        }

        public LivyClient build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl == null");
            }
            return new LivyClient(this);
        }
    }
}
