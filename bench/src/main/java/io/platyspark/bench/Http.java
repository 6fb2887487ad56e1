package io.platyspark.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A loopback HTTP client for the load driver, and a way to run calls from N concurrent clients. */
final class Http {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Http(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The server's base URL, for a client of another kind. */
    String base() {
        return base;
    }

    /** The bearer token this client sends. */
    String token() {
        return token;
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> post(String path, String json) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    HttpResponse<String> put(String path, String json) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " -> " + response.statusCode()
                        + ": " + response.body());
            }
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code total} calls from {@code clients} threads; returns each call's latency in nanoseconds. Each thread
     * takes the next call's number and makes it, as a client of wrk loops on its connection: no task is queued or
     * handed between threads, which cost the driver CPU the server it measures shares. The first failure stops
     * every thread and is thrown.
     */
    static long[] concurrently(int clients, int total, CallFactory call) {
        long[] latencies = new long[total];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < Math.min(clients, total); i++) {
            Thread thread = new Thread(
                    () -> {
                        for (int n; failure.get() == null && (n = next.getAndIncrement()) < total; ) {
                            long start = System.nanoTime();
                            try {
                                call.run(n);
                            } catch (Exception e) {
                                failure.compareAndSet(null, e);
                                return;
                            }
                            latencies[n] = System.nanoTime() - start;
                        }
                    },
                    "load-client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("load run interrupted", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("load run failed: " + failure.get(), failure.get());
        }
        return latencies;
    }

    /** One call of a load run; {@code n} numbers the calls. */
    interface CallFactory {
        void run(int n) throws Exception;
    }
}
