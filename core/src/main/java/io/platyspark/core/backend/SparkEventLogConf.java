package io.platyspark.core.backend;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The Spark settings that make a cluster the platform creates write its apps' event logs where the platform (and a
 * History Server) reads them: one place for every backend that starts Spark (EMR's spark-defaults, the local
 * backend's spark-submit, a standalone cluster's defaults).
 *
 * @param codec           {@code spark.eventLog.compression.codec}: {@code zstd} or {@code lz4} (what
 *                        {@link SparkEventLogMetrics} reads), or {@code none} for plain JSON
 * @param rolling         {@code spark.eventLog.rolling.enabled}: a long-running app's log is a directory of files,
 *                        so no single file grows without end
 * @param rollingMaxBytes {@code spark.eventLog.rolling.maxFileSize} (Spark's minimum is 10 MB)
 */
public record SparkEventLogConf(String codec, boolean rolling, long rollingMaxBytes) {

    /** zstd, rolling at 128 MB: Spark's own default codec, and files a History Server loads quickly. */
    public static final SparkEventLogConf DEFAULT = new SparkEventLogConf("zstd", true, 128L * 1024 * 1024);

    public SparkEventLogConf {
        Objects.requireNonNull(codec, "codec == null");
        codec = codec.toLowerCase(Locale.ROOT);
        if (!codec.equals("zstd") && !codec.equals("lz4") && !codec.equals("none")) {
            throw new IllegalArgumentException("event-log codec '" + codec + "': use zstd, lz4 or none");
        }
        if (rolling && rollingMaxBytes < 10L * 1024 * 1024) {
            throw new IllegalArgumentException("Spark refuses a rolling event-log file size under 10 MB");
        }
    }

    /** The settings that send event logs to {@code dir} (a URI Spark's file systems read: {@code s3://}, {@code file:}). */
    public Map<String, String> sparkConf(String dir) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.eventLog.enabled", "true");
        conf.put("spark.eventLog.dir", dir);
        conf.put("spark.eventLog.compress", String.valueOf(!codec.equals("none")));
        if (!codec.equals("none")) {
            conf.put("spark.eventLog.compression.codec", codec);
        }
        conf.put("spark.eventLog.rolling.enabled", String.valueOf(rolling));
        if (rolling) {
            conf.put("spark.eventLog.rolling.maxFileSize", (rollingMaxBytes / 1024) + "k");
        }
        // Executors' peak memory per stage, for the summary's peak figures.
        conf.put("spark.eventLog.logStageExecutorMetrics", "true");
        return conf;
    }
}
