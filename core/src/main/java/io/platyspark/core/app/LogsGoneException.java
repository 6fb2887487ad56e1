package io.platyspark.core.app;

/**
 * An app's logs were served by its cluster, which has ended: they are gone from the platform for good (not a
 * passing outage). Where the cluster archived them, the app's links say.
 */
public class LogsGoneException extends RuntimeException {

    private final SparkApp app;

    public LogsGoneException(SparkApp app, String clusterState) {
        super("the logs of app " + app.id() + " were on cluster '" + app.clusterName() + "', which has ended ("
                + clusterState + "); they went with it"
                + (app.links().logUri() != null ? "; the cluster archived its logs at " + app.links().logUri() : "")
                + (app.links().driverLogUrl() != null ? "; driver log: " + app.links().driverLogUrl() : ""));
        this.app = app;
    }

    public SparkApp app() {
        return app;
    }
}
