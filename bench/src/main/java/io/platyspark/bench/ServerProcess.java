package io.platyspark.bench;

import io.platyspark.core.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A spark-server (or the watchdog's jar) as a process of its own on a bench database: the scenarios that start,
 * measure or kill one. Closing it stops the process and waits for its end.
 */
final class ServerProcess implements AutoCloseable {

    private static final JsonMapper JSON = new JsonMapper();

    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** spark-server's runnable jar in {@code repo}, which must have been built (bin/bench builds it). */
    static Path jar(Path repo) {
        Path jar = repo.resolve("spark-server/target/spark-server-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it first (bin/bench does)");
        }
        return jar;
    }

    /**
     * {@code java -Xmx512m -jar <jar>}: the plain runnable jar. {@code PLATY_BENCH_SERVER_JVM_OPTS} (space-separated)
     * adds options before {@code -jar}, for profiling a server the bench runs (a deeper JFR stack, say).
     */
    static List<String> javaJar(Path jar) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        String extra = System.getenv("PLATY_BENCH_SERVER_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add("-jar");
        command.add(jar.toString());
        return List.copyOf(command);
    }

    /** The JIT compilation time the server at {@code api} has spent so far, in ms (its jvm.compilation.time). */
    static double compilationMillis(Http api) {
        return JSON.readTree(api.get("/actuator/metrics/jvm.compilation.time").body())
                .get("measurements")
                .get(0)
                .get("value")
                .asDouble();
    }

    /**
     * Starts {@code java} (the JVM and what it runs) on a free port and {@code db}, with the bench's admin token, no
     * embedded PostgreSQL, quiet logs and {@code settings} ({@code platy.*} as keys). It is not ready yet: see
     * {@link #awaitReady()}.
     */
    static ServerProcess start(List<String> java, TestDatabase.Database db, Map<String, String> settings)
            throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of(
                "--server.port=" + port,
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--platy.embedded-postgres.enabled=false",
                "--platy.security.bootstrap-admin-token=" + BenchServer.TOKEN,
                "--logging.level.root=WARN"));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new ServerProcess(process, port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits (up to 3 minutes) until its readiness probe answers 200; fails at once if the process has ended. */
    ServerProcess awaitReady() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/actuator/health/readiness"))
                .build();
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < deadline) {
            requireAlive();
            try {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("spark-server did not become ready in 180 s");
    }

    /** Fails if the process has ended, naming its exit code. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the server process exited with " + process.exitValue());
        }
    }

    String url() {
        return "http://localhost:" + port;
    }

    /** Its API, as the bench's admin. */
    Http api() {
        return new Http(url(), BenchServer.TOKEN);
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no graceful stop; returns once the process has ended. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** A graceful stop (SIGTERM), waited for. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
