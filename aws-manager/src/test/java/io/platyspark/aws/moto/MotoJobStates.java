package io.platyspark.aws.moto;

import io.platyspark.aws.AwsClients;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * moto (in-process in a Python of its own) that speaks EMR on EKS, EMR Serverless and S3, plus a control port that
 * sets a job run's state in moto's store: moto never moves runs on by itself (see {@code moto/job_states.py}).
 * Started once per JVM from the Python in {@code platy.test.python}; missing, the tests fail saying so.
 */
public final class MotoJobStates {

    private static volatile MotoJobStates instance;

    private final URI endpoint;
    private final URI control;
    private final HttpClient http = HttpClient.newHttpClient();

    private MotoJobStates(URI endpoint, URI control) {
        this.endpoint = endpoint;
        this.control = control;
    }

    public static synchronized MotoJobStates get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    public URI endpoint() {
        return endpoint;
    }

    public AwsClients clients() {
        return new AwsClients("us-east-1", endpoint, Duration.ofSeconds(30));
    }

    /** Sets a job run's state (and details) at moto, as AWS would when the run moves on. */
    public void setJobRun(String service, String runId, String state, String stateDetails, String failureReason) {
        String body = "{\"service\":\"" + service + "\",\"id\":\"" + runId + "\",\"state\":\"" + state + "\""
                + (stateDetails == null ? "" : ",\"stateDetails\":\"" + stateDetails + "\"")
                + (failureReason == null ? "" : ",\"failureReason\":\"" + failureReason + "\"") + "}";
        try {
            int status = http.send(
                            HttpRequest.newBuilder(control.resolve("/job-runs"))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status != 204) {
                throw new IllegalStateException("moto has no job run " + runId + " (" + status + ")");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static MotoJobStates start() {
        String python = System.getProperty("platy.test.python");
        if (python == null || !Files.isExecutable(Path.of(python))) {
            throw new IllegalStateException("platy.test.python (a Python with moto[server]) is not set or not "
                    + "executable: " + python + "; run the tests with -Dplaty.test.python=$PWD/.venv/bin/python");
        }
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
        System.setProperty("aws.region", "us-east-1");
        try {
            Path script = Files.createTempFile("job_states", ".py");
            try (InputStream in = MotoJobStates.class.getResourceAsStream("/moto/job_states.py")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            int motoPort = freePort();
            int controlPort = freePort();
            Path log = Files.createTempFile("moto-job-states-", ".log");
            Process process = new ProcessBuilder(
                            python, script.toString(), String.valueOf(motoPort), String.valueOf(controlPort))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "moto-job-states-stop"));
            URI endpoint = URI.create("http://127.0.0.1:" + motoPort);
            URI control = URI.create("http://127.0.0.1:" + controlPort);
            HttpClient http = HttpClient.newHttpClient();
            Awaitility.await("moto with job states (log " + log + ")")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    "moto exited with " + process.exitValue() + ": " + Files.readString(log));
                        }
                        try {
                            return http.send(
                                                            HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                                                                    .build(),
                                                            HttpResponse.BodyHandlers.discarding())
                                                    .statusCode()
                                            < 500
                                    && http.send(
                                                            HttpRequest.newBuilder(control)
                                                                    .build(),
                                                            HttpResponse.BodyHandlers.discarding())
                                                    .statusCode()
                                            == 200;
                        } catch (IOException e) {
                            return false;
                        }
                    });
            return new MotoJobStates(endpoint, control);
        } catch (IOException e) {
            throw new IllegalStateException("could not start moto with job states: " + e, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
