package io.platyspark.client;

import io.platyspark.client.Model.App;
import io.platyspark.client.Model.AppPage;
import io.platyspark.client.Model.Artifact;
import io.platyspark.client.Model.Cluster;
import io.platyspark.client.Model.Event;
import io.platyspark.client.Model.LogPage;
import io.platyspark.client.Model.SubmitRequest;
import io.platyspark.client.Model.Token;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PlatySpark REST API for Java programs. Every call sends an {@code X-Request-Id} (logged, and in every error),
 * problems come back as {@link PlatyApiException} with the server's detail and field, and calls are retried with
 * backoff only where that is safe: reads, deletes, and submits — which always carry an idempotency key, so a
 * retried submit returns the app the first one created instead of a second one. A retry waits at least the
 * server's {@code Retry-After}, plus a random part ({@link RetryDelays}), so callers refused together do not all
 * come back together.
 */
public final class PlatyClient {

    private static final Logger log = LoggerFactory.getLogger(PlatyClient.class);
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final MediaType BYTES = MediaType.get("application/octet-stream");

    private final HttpUrl base;
    private final String token;
    private final OkHttpClient http;
    private final int maxRetries;
    private final Duration backoff;
    private final JsonMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .build();

    private PlatyClient(Builder b) {
        this.base = b.base;
        this.token = b.token;
        // A shared client keeps its connection pool and dispatcher; this client only sets its own timeouts and
        // turns OkHttp's silent retries off (retries here are decided per call: only what is safe to repeat).
        OkHttpClient.Builder http = b.http != null ? b.http.newBuilder() : new OkHttpClient.Builder();
        this.http = http.connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                .retryOnConnectionFailure(false)
                .build();
        this.maxRetries = b.maxRetries;
        this.backoff = b.backoff;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String baseUrl() {
        return base.toString();
    }

    // ---- apps -----------------------------------------------------------------------------------------------

    /**
     * Submits an app. The idempotency key makes retries safe (this client's and the caller's): the same key and
     * request give back the first app.
     */
    public App submit(SubmitRequest request, String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
        return read(
                call("POST", url("api", "v1", "apps"), body(request), Map.of("Idempotency-Key", idempotencyKey), true),
                App.class);
    }

    public App submit(SubmitRequest request) {
        return submit(request, UUID.randomUUID().toString());
    }

    public App app(String id) {
        return read(call("GET", url("api", "v1", "apps", id), null, Map.of(), true), App.class);
    }

    public AppPage apps(String cluster, String team, List<String> states, int limit, String cursor) {
        HttpUrl.Builder url = url("api", "v1", "apps").newBuilder().addQueryParameter("limit", String.valueOf(limit));
        if (cluster != null) {
            url.addQueryParameter("cluster", cluster);
        }
        if (team != null) {
            url.addQueryParameter("team", team);
        }
        if (states != null && !states.isEmpty()) {
            url.addQueryParameter("state", String.join(",", states));
        }
        if (cursor != null) {
            url.addQueryParameter("cursor", cursor);
        }
        return read(call("GET", url.build(), null, Map.of(), true), AppPage.class);
    }

    public List<Event> events(String id) {
        return read(
                call("GET", url("api", "v1", "apps", id, "events"), null, Map.of(), true),
                new TypeReference<List<Event>>() {});
    }

    public LogPage logs(String id, int from, int size) {
        HttpUrl url = url("api", "v1", "apps", id, "logs")
                .newBuilder()
                .addQueryParameter("from", String.valueOf(from))
                .addQueryParameter("size", String.valueOf(size))
                .build();
        return read(call("GET", url, null, Map.of(), true), LogPage.class);
    }

    /**
     * Stops an app. Retried when the answer is lost, so a retry may find the app already ended: then the app is
     * returned as it is when that end was the kill itself (KILLED), and the server's refusal is thrown otherwise.
     */
    public App kill(String id) {
        try {
            return read(call("DELETE", url("api", "v1", "apps", id), null, Map.of(), true), App.class);
        } catch (PlatyApiException e) {
            if (e.status() == 409 && e.type() != null && e.type().endsWith("app-already-finished")) {
                App now;
                try {
                    now = app(id);
                } catch (RuntimeException lookup) {
                    e.addSuppressed(lookup);
                    throw e;
                }
                if (now.state() == Model.AppState.KILLED) {
                    return now;
                }
            }
            throw e;
        }
    }

    // ---- clusters -------------------------------------------------------------------------------------------

    public List<Cluster> clusters() {
        return read(
                call("GET", url("api", "v1", "clusters"), null, Map.of(), true), new TypeReference<List<Cluster>>() {});
    }

    public Cluster cluster(String name) {
        return read(call("GET", url("api", "v1", "clusters", name), null, Map.of(), true), Cluster.class);
    }

    /** Gets or creates: a repeated call returns the existing cluster, so it is safe to retry. */
    public Cluster createCluster(String name, String kind, String team, Map<String, Object> config, String livyUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("kind", kind);
        if (team != null) {
            body.put("team", team);
        }
        if (config != null) {
            body.put("config", config);
        }
        if (livyUrl != null) {
            body.put("livyUrl", livyUrl);
        }
        return read(call("POST", url("api", "v1", "clusters"), body(body), Map.of(), true), Cluster.class);
    }

    public Cluster terminateCluster(String name) {
        return read(call("DELETE", url("api", "v1", "clusters", name), null, Map.of(), true), Cluster.class);
    }

    // ---- artifacts and tokens -------------------------------------------------------------------------------

    /** Uploads a file; content-addressed on the server, so a retry stores nothing twice. */
    public Artifact upload(Path file, String name) {
        HttpUrl url = url("api", "v1", "artifacts")
                .newBuilder()
                .addQueryParameter("name", name)
                .build();
        return read(call("POST", url, RequestBody.create(file.toFile(), BYTES), Map.of(), true), Artifact.class);
    }

    public Token createToken(String name, String team, boolean admin, Integer ttlDays) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (team != null) {
            body.put("team", team);
        }
        body.put("admin", admin);
        if (ttlDays != null) {
            body.put("ttlDays", ttlDays);
        }
        // Not retried: a lost answer would leave an issued token nobody saw; the name's uniqueness says so.
        return read(call("POST", url("api", "v1", "admin", "tokens"), body(body), Map.of(), false), Token.class);
    }

    public List<Token> tokens() {
        return read(
                call("GET", url("api", "v1", "admin", "tokens"), null, Map.of(), true),
                new TypeReference<List<Token>>() {});
    }

    public void revokeToken(String id) {
        call("DELETE", url("api", "v1", "admin", "tokens", id), null, Map.of(), true);
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private HttpUrl url(String... segments) {
        HttpUrl.Builder url = base.newBuilder();
        for (String segment : segments) {
            url.addPathSegment(segment);
        }
        return url.build();
    }

    private RequestBody body(Object value) {
        return RequestBody.create(json.writeValueAsString(value), JSON_TYPE);
    }

    private <T> T read(JsonNode node, Class<T> type) {
        return json.treeToValue(node, type);
    }

    private <T> T read(JsonNode node, TypeReference<T> type) {
        return json.readValue(json.writeValueAsString(node), type);
    }

    private JsonNode call(String method, HttpUrl url, RequestBody body, Map<String, String> headers, boolean safe) {
        String requestId = UUID.randomUUID().toString();
        int attempt = 0;
        while (true) {
            Duration retryAfter = null;
            try {
                return once(method, url, body, headers, requestId);
            } catch (PlatyTransportException e) {
                if (!safe || attempt >= maxRetries) {
                    throw e;
                }
                log.warn(
                        "{} {} failed ({}), retrying [request {}]",
                        method,
                        url.encodedPath(),
                        e.getCause().toString(),
                        requestId);
            } catch (PlatyApiException e) {
                if (!safe || attempt >= maxRetries || !(e.status() == 503 || e.status() == 502 || e.status() == 429)) {
                    throw e;
                }
                retryAfter = e.retryAfter().orElse(null);
                log.warn("{} {} answered {}, retrying [request {}]", method, url.encodedPath(), e.status(), requestId);
            }
            attempt++;
            try {
                Thread.sleep(RetryDelays.delay(attempt, backoff, retryAfter, ThreadLocalRandom.current())
                        .toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private JsonNode once(String method, HttpUrl url, RequestBody body, Map<String, String> headers, String requestId) {
        Request.Builder request = new Request.Builder()
                .url(url)
                .method(method, body)
                .header("Accept", "application/json, application/problem+json")
                .header("X-Request-Id", requestId);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        log.debug("{} {} [request {}]", method, url.encodedPath(), requestId);
        String text;
        int status;
        String returnedId;
        Duration retryAfter;
        try (Response response = http.newCall(request.build()).execute()) {
            status = response.code();
            text = response.body().string();
            returnedId = response.header("X-Request-Id", requestId);
            retryAfter = RetryDelays.retryAfter(response.header("Retry-After"), Instant.now());
        } catch (IOException e) {
            throw new PlatyTransportException(method + " " + url.encodedPath(), requestId, e);
        }
        JsonNode node;
        try {
            node = text.isBlank() ? json.createObjectNode() : json.readTree(text);
        } catch (JacksonException e) {
            node = json.createObjectNode();
        }
        if (status >= 200 && status < 300) {
            return node;
        }
        String type = node.path("type").asString(null);
        if (type != null && type.startsWith("urn:platyspark:problem:")) {
            type = type.substring("urn:platyspark:problem:".length());
        }
        throw new PlatyApiException(
                status,
                type,
                node.path("title").asString(null),
                node.path("detail").asString(text.length() > 300 ? text.substring(0, 300) : text),
                node.path("field").asString(null),
                returnedId,
                retryAfter);
    }

    /**
     * Configures a client. Every setter checks its value at once; {@link #build()} fails without a server URL.
     */
    public static final class Builder {
        private HttpUrl base;
        private String token;
        private OkHttpClient http;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private int maxRetries = 4;
        private Duration backoff = Duration.ofMillis(500);

        /** The server, e.g. {@code http://platy:8080}. */
        public Builder baseUrl(String url) {
            Objects.requireNonNull(url, "url == null");
            HttpUrl parsed = HttpUrl.parse(url);
            if (parsed == null) {
                throw new IllegalArgumentException("not an http(s) URL: " + url);
            }
            this.base = parsed;
            return this;
        }

        /** The API token sent as a bearer token; {@code null} for none. */
        public Builder token(String token) {
            if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
                throw new IllegalArgumentException("token must be printable ASCII without spaces");
            }
            this.token = token;
            return this;
        }

        /** An OkHttpClient to share (its connection pool, dispatcher and interceptors); timeouts are this builder's. */
        public Builder httpClient(OkHttpClient client) {
            this.http = Objects.requireNonNull(client, "client == null");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** Retries of calls that are safe to repeat (reads, deletes, keyed submits); 0 for none. */
        public Builder maxRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("maxRetries < 0: " + retries);
            }
            this.maxRetries = retries;
            return this;
        }

        /** The first retry's wait; it doubles with each further retry. */
        public Builder backoff(Duration backoff) {
            Objects.requireNonNull(backoff, "backoff == null");
            if (backoff.isNegative()) {
                throw new IllegalArgumentException("backoff < 0: " + backoff);
            }
            this.backoff = backoff;
            return this;
        }

        public PlatyClient build() {
            if (base == null) {
                throw new IllegalStateException("baseUrl == null");
            }
            return new PlatyClient(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name + " == null");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }

    /** Lines of an app's log, read page by page from where the last read stopped: never twice, never skipped. */
    public static final class LogFollower {
        private final PlatyClient client;
        private final String appId;
        private int next;

        public LogFollower(PlatyClient client, String appId) {
            this.client = client;
            this.appId = appId;
        }

        /** The lines that arrived since the last call (empty when none). */
        public List<Model.LogLine> poll() {
            List<Model.LogLine> lines = new ArrayList<>();
            while (true) {
                LogPage page = client.logs(appId, next, 500);
                lines.addAll(page.lines());
                next = page.nextFrom();
                if (page.lines().isEmpty() || next >= page.total()) {
                    return lines;
                }
            }
        }
    }
}
