package io.platyspark.core.history;

import io.platyspark.core.backend.SparkEventLogConf;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * App history that outlives the cluster: Spark event logs on every cluster the platform creates, a metrics summary
 * per ended app, the durable copy of its logs, and History Server links.
 *
 * @param eventLogCodec       {@code spark.eventLog.compression.codec} of platform clusters: zstd, lz4 or none
 * @param eventLogRolling     roll event logs into files of {@code eventLogRollingSize} (Spark 3's rolling logs)
 * @param eventLogRollingSize the size of one rolled file (Spark's minimum is 10 MB)
 * @param serverUrl           a Spark History Server reading the event logs; app links point at it once they end.
 *                            Unset: no History Server link (the embedded mode sets it to the one it starts)
 * @param embeddedServer      start pyspark's own History Server on the local backend's event-log directory (the
 *                            embedded mode), stopped with the server
 * @param embeddedPort        its port (0: a free one, picked at start)
 * @param recorderEnabled     visit ended apps to record their metrics summary and log copy (where the watchdog runs)
 * @param interval            how often the recorder looks for ended apps
 * @param batchSize           at most this many apps per look
 * @param lookBack            apps that ended longer ago than this are not visited
 * @param maxAttempts         visits per app before giving up (the copy may appear minutes after the end)
 * @param retryDelay          the wait before an app is visited again
 */
@Validated
@ConfigurationProperties("platy.history")
public record HistoryProperties(
        @DefaultValue("zstd") @Pattern(regexp = "zstd|lz4|none", message = "must be zstd, lz4 or none")
        String eventLogCodec,

        @DefaultValue("true") boolean eventLogRolling,
        @DefaultValue("128MB") DataSize eventLogRollingSize,
        String serverUrl,
        @DefaultValue("false") boolean embeddedServer,
        @DefaultValue("18080") @Min(0) int embeddedPort,
        @DefaultValue("true") boolean recorderEnabled,
        @DefaultValue("30s") @DurationMin(millis = 1) Duration interval,
        @DefaultValue("20") @Min(1) int batchSize,
        @DefaultValue("6h") @DurationMin(millis = 1) Duration lookBack,
        @DefaultValue("6") @Min(1) int maxAttempts,
        @DefaultValue("2m") @DurationMin(millis = 0) Duration retryDelay) {

    /** The spark.eventLog.* settings every platform-made cluster gets. */
    public SparkEventLogConf eventLogConf() {
        return new SparkEventLogConf(eventLogCodec, eventLogRolling, eventLogRollingSize.toBytes());
    }

    public static HistoryProperties defaults() {
        return new HistoryProperties(
                "zstd",
                true,
                DataSize.ofMegabytes(128),
                null,
                false,
                18080,
                true,
                Duration.ofSeconds(30),
                20,
                Duration.ofHours(6),
                6,
                Duration.ofMinutes(2));
    }
}
