package io.platyspark.core.app;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A validated request to run an app, before it is stored. */
public record NewSparkApp(
        String name,
        String team,
        String clusterName,
        String source,
        String mainClass,
        List<String> args,
        Map<String, String> sparkConf,
        String idempotencyKey,
        String requestId) {

    public NewSparkApp {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(team, "team == null");
        Objects.requireNonNull(clusterName, "clusterName == null");
        Objects.requireNonNull(source, "source == null");
        args = args == null ? List.of() : List.copyOf(args);
        sparkConf = sparkConf == null ? Map.of() : Map.copyOf(sparkConf);
    }
}
