package io.platyspark.bench;

import io.platyspark.livy.fake.FakeLivy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The counting Livy stand-in as a process of its own, so the load driver, the server and the backend never share a
 * JVM (or its garbage collector). It prints {@code url <base>} once, then {@code created <name> <epoch micros>}
 * for each batch as Livy answers its create; it ends when its standard input closes.
 */
public final class FakeLivyProcess implements AutoCloseable {

    private final Process process;
    private final String url;
    private final Map<String, Long> createdMicros = new ConcurrentHashMap<>();

    private FakeLivyProcess(Process process) throws IOException, InterruptedException {
        this.process = process;
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("url ")) {
            throw new IllegalStateException("the fake Livy process did not start: " + first);
        }
        url = first.substring(4);
        CountDownLatch reading = new CountDownLatch(1);
        Thread reader = new Thread(
                () -> {
                    reading.countDown();
                    try {
                        for (String line; (line = out.readLine()) != null; ) {
                            String[] parts = line.split(" ");
                            if (parts.length == 3 && parts[0].equals("created")) {
                                createdMicros.put(parts[1], Long.parseLong(parts[2]));
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                },
                "fake-livy-reader");
        reader.setDaemon(true);
        reader.start();
        reading.await(5, TimeUnit.SECONDS);
    }

    /** Starts the stand-in in a JVM of its own, on this JVM's class path. */
    static FakeLivyProcess start() throws IOException, InterruptedException {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString();
        Process process = new ProcessBuilder(List.of(
                        javaBin,
                        "-Xmx1g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FakeLivyProcess.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new FakeLivyProcess(process);
    }

    String url() {
        return url;
    }

    /** When the stand-in answered the create of the batch of that name (epoch micros), or null. */
    Long createdMicros(String name) {
        return createdMicros.get(name);
    }

    long pid() {
        return process.pid();
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (FakeLivy livy = new FakeLivy()) {
            livy.onCreate(batch -> {
                long at = nowMicros();
                synchronized (out) {
                    out.println("created " + batch.name() + " " + at);
                    out.flush();
                }
            });
            synchronized (out) {
                out.println("url " + livy.url());
                out.flush();
            }
            while (System.in.read() != -1) {
                // runs until the driver closes our input
            }
        }
        System.exit(0);
    }
}
