package io.platyspark.aws.moto;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of moto that can lose answers: the request reaches moto and is carried out, then the
 * connection is closed without a response, as when a network drops the answer. Also counts the operations that
 * passed (by their {@code X-Amz-Target}, e.g. {@code ElasticMapReduce.RunJobFlow}) and can answer 503 for a while,
 * as an outage.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP =
            Set.of("host", "connection", "content-length", "expect", "transfer-encoding", "upgrade", "keep-alive");

    private final URI target;
    private final HttpServer server;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, AtomicInteger> dropsLeft = new ConcurrentHashMap<>();
    private final List<String> operations = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    public FaultProxy(URI target) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "fault-proxy");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * The next {@code times} calls of {@code operation} ({@code ElasticMapReduce.RunJobFlow}, or for REST protocols
     * method and path: {@code POST /virtualclusters/abc/jobruns}) lose their answer.
     */
    public void dropAnswers(String operation, int times) {
        dropsLeft.computeIfAbsent(operation, o -> new AtomicInteger()).addAndGet(times);
    }

    /** While down, every call is answered 503 without reaching moto. */
    public void down(boolean down) {
        this.down = down;
    }

    /** How many calls of the operation reached moto. */
    public int count(String operation) {
        return (int) operations.stream().filter(operation::equals).count();
    }

    public List<String> operations() {
        return List.copyOf(operations);
    }

    public void resetCounts() {
        operations.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (down) {
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                byte[] body = "{\"__type\":\"InternalServerError\",\"message\":\"down\"}".getBytes();
                exchange.sendResponseHeaders(503, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder forward = HttpRequest.newBuilder(
                            target.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(requestBody));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            // REST protocols (emr-containers, emr-serverless) have no target header: their label is method and path.
            String label = operation == null
                    ? exchange.getRequestMethod() + " "
                            + exchange.getRequestURI().getPath()
                    : operation;
            operations.add(label);
            AtomicInteger drops = dropsLeft.get(label);
            if (drops != null && drops.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                // Carried out at moto, answer lost: the server closes the connection without a response.
                throw new IOException("answer of " + label + " dropped");
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            byte[] body = response.body();
            exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
