package io.platyspark.aws.moto;

import io.platyspark.aws.AwsClients;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * The moto server, which speaks the real EMR, EMR-containers and S3 protocols, started once per JVM for tests and
 * stopped with it. It is found next to the Python in {@code platy.test.python} (bin/test installs it there), or by
 * {@code MOTO_SERVER}, or on the PATH; when it is missing the tests fail and say how to get it — they never skip.
 */
public final class MotoServer {

    private static volatile MotoServer instance;

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static MotoServer get() {
        MotoServer s = instance;
        if (s == null) {
            synchronized (MotoServer.class) {
                s = instance;
                if (s == null) {
                    s = start();
                    instance = s;
                }
            }
        }
        return s;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** SDK clients pointed at moto, with test-only credentials. */
    public AwsClients clients() {
        return new AwsClients("us-east-1", endpoint, Duration.ofSeconds(30));
    }

    /** Forgets every resource (moto's reset API). */
    public void reset() {
        try {
            HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IllegalStateException("moto reset failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static MotoServer start() {
        Path binary = locate();
        // Test-only credentials: the SDK's default chain reads these system properties first.
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
        System.setProperty("aws.region", "us-east-1");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Process process;
        try {
            Path log = Files.createTempFile("moto-", ".log");
            process = new ProcessBuilder(binary.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + binary + ": " + e, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "moto-stop"));
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await("moto_server on port " + port)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("moto_server exited with " + process.exitValue());
                    }
                    try {
                        return http.send(
                                                HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                < 500;
                    } catch (IOException e) {
                        return false;
                    }
                });
        return new MotoServer(process, endpoint);
    }

    private static Path locate() {
        String explicit = System.getenv("MOTO_SERVER");
        if (explicit != null && Files.isExecutable(Path.of(explicit))) {
            return Path.of(explicit);
        }
        String python = System.getProperty("platy.test.python");
        if (python != null && !python.isBlank()) {
            Path candidate = Path.of(python).getParent().resolve("moto_server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "moto_server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("moto_server not found (looked next to platy.test.python=" + python
                + ", at MOTO_SERVER and on the PATH). Run the tests with bin/test, which installs moto[server] into "
                + ".venv, or: pip install 'moto[server]' and set MOTO_SERVER");
    }
}
