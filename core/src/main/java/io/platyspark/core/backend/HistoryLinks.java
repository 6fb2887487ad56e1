package io.platyspark.core.backend;

/** Links into a Spark History Server. */
public final class HistoryLinks {

    private HistoryLinks() {}

    /**
     * The History Server page of one app (its attempt, where Spark ran it in attempts: YARN), or null without a
     * server.
     */
    public static String appUrl(String serverUrl, String sparkAppId, String attemptId) {
        if (serverUrl == null || serverUrl.isBlank() || sparkAppId == null) {
            return null;
        }
        String base = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        return base + "/history/" + sparkAppId + (attemptId == null ? "" : "/" + attemptId) + "/jobs/";
    }
}
