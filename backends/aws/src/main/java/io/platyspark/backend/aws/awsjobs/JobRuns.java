package io.platyspark.backend.aws.awsjobs;

import io.platyspark.core.app.SparkApp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How an app becomes a job run on EMR on EKS and EMR Serverless, and how runs are found again. */
public final class JobRuns {

    /** The tag that carries the app's id on its job run. */
    public static final String APP_ID_TAG = "platy:app-id";

    private JobRuns() {}

    /** The client token of the app's run: the same on every attempt, so AWS starts it once. */
    public static String clientToken(SparkApp app) {
        return app.id().toString();
    }

    /**
     * {@code --class} and {@code --py-files} only: the Spark settings go in the {@code spark-defaults}
     * classification, where a value with spaces or quotes needs no shell-like quoting.
     */
    public static String sparkSubmitParameters(SparkApp app) {
        List<String> parts = new ArrayList<>();
        if (app.mainClass() != null) {
            parts.add("--class " + app.mainClass());
        }
        if (!app.pyFiles().isEmpty()) {
            parts.add("--py-files " + String.join(",", app.pyFiles()));
        }
        return String.join(" ", parts);
    }

    /** The cluster's tags, then the app's team and id: cost and ownership follow the app. */
    public static Map<String, String> tags(JobClusterConfig config, SparkApp app) {
        Map<String, String> tags = new TreeMap<>(config.tags());
        tags.put("team", app.team());
        tags.put(APP_ID_TAG, app.id().toString());
        return tags;
    }

    /**
     * The {@code createdAfter} of a walk that must see the runs of these apps: a day before the start of the UTC
     * day the oldest was accepted. The margin covers clock skew between this server and AWS and stand-ins that keep
     * creation times to the day (moto); it costs at most a day's runs more in the walk.
     */
    public static Instant createdAfter(Collection<SparkApp> apps) {
        Instant oldest = apps.stream()
                .map(a -> a.createdAt() == null ? Instant.EPOCH : a.createdAt())
                .min(Instant::compareTo)
                .orElse(Instant.EPOCH);
        return oldest.truncatedTo(ChronoUnit.DAYS).minus(1, ChronoUnit.DAYS);
    }
}
