package io.platyspark.core.app;

/**
 * An app's logs are gone from the platform for good (not a passing outage): they were served by its cluster, which
 * has ended, or by a backend that has since dropped them. Where the cluster archived them, the app's links say.
 */
public class LogsGoneException extends RuntimeException {

    private final SparkApp app;

    public LogsGoneException(SparkApp app, String clusterState) {
        this(app, clusterState, null);
    }

    /**
     * Logs that went with their ended cluster.
     *
     * @param archive where the cluster would have copied them, had it (null when it copies nowhere)
     */
    public LogsGoneException(SparkApp app, String clusterState, String archive) {
        this(
                "the logs of app " + app.id() + " were on cluster '" + app.clusterName() + "', which has ended ("
                        + clusterState + "); they went with it"
                        + (archive != null ? "; no copy exists at " + archive : ""),
                archive == null,
                app);
    }

    /**
     * Logs the backend dropped although the cluster lives on (Livy purges a finished batch after its retention).
     *
     * @param why what removed them, said to the caller
     */
    public static LogsGoneException removedByBackend(SparkApp app, String why) {
        return new LogsGoneException("the logs of app " + app.id() + " are gone: " + why, true, app);
    }

    private LogsGoneException(String message, boolean pointAtArchive, SparkApp app) {
        super(message
                + (pointAtArchive && app.links().logUri() != null
                        ? "; the cluster archived its logs at " + app.links().logUri()
                        : "")
                + (app.links().driverLogUrl() != null
                        ? "; driver log: " + app.links().driverLogUrl()
                        : ""));
        this.app = app;
    }

    public SparkApp app() {
        return app;
    }
}
