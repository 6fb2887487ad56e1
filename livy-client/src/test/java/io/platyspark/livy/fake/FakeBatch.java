package io.platyspark.livy.fake;

import io.platyspark.livy.BatchState;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A batch as the fake holds it. Not thread-safe: FakeLivy guards every instance with its one lock. */
final class FakeBatch {

    /** Livy's batch view carries the last 10 log lines. */
    private static final int VIEW_LOG_LINES = 10;

    final long id;
    final String name;
    final String owner;
    final String proxyUser;
    final Map<String, Object> request;
    final Instant createdAt;
    final LineBuffer stdout;
    final LineBuffer stderr;
    List<String> diagnostics = List.of();
    BatchState state = BatchState.STARTING;
    /**
     * False while no spark-submit runs for it: Livy refused it inside start-up (it keeps the id and the name and
     * shows {@code starting} forever, with an empty log).
     */
    boolean started;

    String appId;
    String sparkUiUrl;
    String driverLogUrl;
    Instant finishedAt;

    FakeBatch(
            long id,
            String name,
            String owner,
            String proxyUser,
            Map<String, Object> request,
            Instant createdAt,
            int logBufferSize) {
        this.id = id;
        this.name = name;
        this.owner = owner;
        this.proxyUser = proxyUser;
        this.request = Collections.unmodifiableMap(new LinkedHashMap<>(request));
        this.createdAt = createdAt;
        this.stdout = new LineBuffer(logBufferSize);
        this.stderr = new LineBuffer(logBufferSize);
    }

    String file() {
        return (String) request.get("file");
    }

    /**
     * The log as Livy builds it: a marker line opens each stream, each stream keeps only its last
     * {@code livy.cache-log.size} lines, and on YARN a diagnostics section follows (in local mode there is none).
     */
    List<String> log(boolean yarn) {
        if (!started) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(stdout.size() + stderr.size() + diagnostics.size() + 3);
        lines.add("stdout: ");
        stdout.addTo(lines);
        lines.add("\nstderr: ");
        stderr.addTo(lines);
        if (yarn) {
            lines.add("\nYARN Diagnostics: ");
            lines.addAll(diagnostics);
        }
        return lines;
    }

    /** Livy's {@code BatchSessionView}. */
    ObjectNode toJson(boolean yarn) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        node.put("name", name);
        node.put("owner", owner);
        node.put("proxyUser", proxyUser);
        node.put("state", state.wireValue());
        node.put("appId", appId);
        ObjectNode appInfo = node.putObject("appInfo");
        appInfo.put("driverLogUrl", driverLogUrl);
        appInfo.put("sparkUiUrl", sparkUiUrl);
        ArrayNode log = node.putArray("log");
        List<String> lines = log(yarn);
        lines.subList(Math.max(0, lines.size() - VIEW_LOG_LINES), lines.size()).forEach(log::add);
        return node;
    }

    @SuppressWarnings("unchecked")
    FakeLivy.View view(boolean yarn) {
        Object args = request.get("args");
        Object conf = request.get("conf");
        return new FakeLivy.View(
                id,
                name,
                state,
                appId,
                file(),
                args instanceof List<?> list ? List.copyOf((List<String>) list) : List.of(),
                conf instanceof Map<?, ?> map
                        ? Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, String>) map))
                        : Map.of(),
                request,
                owner,
                proxyUser,
                sparkUiUrl,
                driverLogUrl,
                List.copyOf(log(yarn)),
                started);
    }

    /** Livy's {@code CircularQueue}: once full, each new line pushes out the oldest. */
    static final class LineBuffer {
        private final int capacity;
        private final ArrayDeque<String> lines = new ArrayDeque<>();

        LineBuffer(int capacity) {
            this.capacity = capacity;
        }

        void add(String line) {
            if (capacity <= 0) {
                return;
            }
            if (lines.size() >= capacity) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }

        int size() {
            return lines.size();
        }

        void addTo(List<String> target) {
            target.addAll(lines);
        }

        void clear() {
            lines.clear();
        }
    }
}
