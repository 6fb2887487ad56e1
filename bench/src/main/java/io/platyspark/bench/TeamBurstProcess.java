package io.platyspark.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One team's waves of concurrent submits as a process of its own: another team's client never shares its JVM, its
 * connections or its garbage collector, as two teams' clients would not. Each of its threads keeps one connection
 * ({@link BareHttpConnection}), so the client costs the machine it shares with the server little CPU. Started once
 * and kept (its JIT warm) across rounds: a line {@code go} on its standard input starts waves, and it answers
 * {@code sending} once the first is released; a line {@code stop} lets the wave in flight finish and is answered
 * {@code outcomes <accepted> <refused 429> <other>} for that burst (an exchange that failed counts as other). It
 * ends when its standard input closes.
 */
final class TeamBurstProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final PrintStream in;

    private TeamBurstProcess(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** A process that sends waves of {@code size} concurrent submits of {@code team} with {@code token} when told. */
    static TeamBurstProcess start(String base, String token, String team, int size) throws IOException {
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        TeamBurstProcess.class.getName(),
                        base,
                        token,
                        team,
                        Integer.toString(size)))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new TeamBurstProcess(process);
    }

    /** Starts the waves; returns once the first is released. */
    void go() throws IOException {
        in.println("go");
        expect("sending");
    }

    /** Stops the waves: [accepted, refused 429, other answers] since {@link #go}. */
    int[] stop() throws IOException {
        in.println("stop");
        String[] parts = expect("outcomes").split(" ");
        return new int[] {Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Integer.parseInt(parts[3])};
    }

    private String expect(String word) throws IOException {
        String line = out.readLine();
        if (line == null || !line.split(" ")[0].equals(word)) {
            throw new IllegalStateException("the burst process answered " + line + ", not " + word);
        }
        return line;
    }

    @Override
    public void close() throws InterruptedException {
        in.close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String team = args[2];
        int size = Integer.parseInt(args[3]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ExecutorService pool = Executors.newFixedThreadPool(size + 1);
        ThreadLocal<BareHttpConnection> connections = ThreadLocal.withInitial(() -> new BareHttpConnection(base));
        AtomicInteger n = new AtomicInteger();
        for (String command; (command = commands.readLine()) != null; ) {
            if (!command.equals("go")) {
                continue;
            }
            AtomicBoolean stop = new AtomicBoolean();
            int[] outcomes = new int[3];
            CountDownLatch firstWave = new CountDownLatch(1);
            Future<?> waves = pool.submit(() -> {
                while (!stop.get()) {
                    CountDownLatch release = new CountDownLatch(1);
                    List<Future<?>> wave = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        wave.add(pool.submit(() -> {
                            release.await();
                            submitUntilAccepted(connections.get(), token, team, n, stop, outcomes);
                            return null;
                        }));
                    }
                    release.countDown();
                    firstWave.countDown();
                    for (Future<?> f : wave) {
                        f.get();
                    }
                }
                return null;
            });
            firstWave.await();
            out.println("sending");
            while ((command = commands.readLine()) != null && !command.equals("stop")) {
                // only stop ends a burst
            }
            stop.set(true);
            waves.get();
            synchronized (outcomes) {
                out.println("outcomes " + outcomes[0] + " " + outcomes[1] + " " + outcomes[2]);
            }
        }
        pool.shutdownNow();
        System.exit(0);
    }

    /**
     * One submit, sent again while it is refused 429 until it is accepted or the burst stops; each retry waits as
     * the platform's own clients (the Java client, the Airflow hook) do: the Retry-After plus a random part of up
     * to half as long again. A failed exchange counts as an other answer.
     */
    private static void submitUntilAccepted(
            BareHttpConnection connection,
            String token,
            String team,
            AtomicInteger n,
            AtomicBoolean stop,
            int[] outcomes)
            throws InterruptedException {
        String body = FairShareScenario.app(team + "-" + n.incrementAndGet(), team);
        while (true) {
            BareHttpConnection.Answer answer;
            try {
                answer = connection.post("/api/v1/apps", token, body);
            } catch (IOException e) {
                connection.close();
                answer = new BareHttpConnection.Answer(-1, 0, "");
            }
            int status = answer.status();
            synchronized (outcomes) {
                outcomes[status == 202 ? 0 : status == 429 ? 1 : 2]++;
            }
            if (status != 429 || stop.get()) {
                return;
            }
            long millis = 1000 * Math.max(1, answer.retryAfterSeconds());
            Thread.sleep(millis + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
        }
    }
}
