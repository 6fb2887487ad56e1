package io.platyspark.bench;

import io.platyspark.core.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** A spark-server as a process of its own on a bench database: the scenarios that start, measure or kill one. */
final class ServerProcess {

    private static final JsonMapper JSON = new JsonMapper();

    private ServerProcess() {}

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

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts {@code java} (the JVM and what it runs) as a spark-server on {@code port} and {@code db}, with the
     * bench's admin token, no embedded PostgreSQL, quiet logs and {@code settings} ({@code platy.*} as keys).
     */
    static Process start(List<String> java, TestDatabase.Database db, int port, Map<String, String> settings)
            throws IOException {
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
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
