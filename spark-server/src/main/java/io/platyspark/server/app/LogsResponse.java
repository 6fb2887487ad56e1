package io.platyspark.server.app;

import io.platyspark.core.backend.LogPage;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A page of an app's output. {@code nextFrom} is where the next page starts; {@code total} is how many lines the
 * source holds now; {@code source} is where they come from: {@code archive} (the durable copy the cluster left, in
 * S3) or the backend serving them while the cluster lives ({@code livy}, {@code local}).
 */
record LogsResponse(UUID appId, String source, int from, int total, int nextFrom, List<Line> lines) {

    /** One output line and its stream: {@code stdout}, {@code stderr} or {@code diagnostics}. */
    record Line(String stream, String text) {}

    static LogsResponse of(UUID appId, LogPage page) {
        List<Line> lines = page.lines().stream()
                .map(l -> new Line(l.stream().name().toLowerCase(Locale.ROOT), l.text()))
                .toList();
        return new LogsResponse(appId, page.source(), page.from(), page.total(), page.from() + lines.size(), lines);
    }
}
