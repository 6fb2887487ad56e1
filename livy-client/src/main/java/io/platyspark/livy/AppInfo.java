package io.platyspark.livy;

import java.util.Map;

/**
 * Livy's {@code appInfo}: links to the driver log and the Spark UI (through YARN's proxy on EMR), plus whatever else
 * the server version adds (e.g. {@code executorLogUrls} from 0.9).
 */
public record AppInfo(String driverLogUrl, String sparkUiUrl, Map<String, String> other) {

    public static final AppInfo EMPTY = new AppInfo(null, null, Map.of());

    public AppInfo {
        other = other == null ? Map.of() : Map.copyOf(other);
    }
}
