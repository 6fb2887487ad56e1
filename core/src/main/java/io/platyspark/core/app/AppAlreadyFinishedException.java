package io.platyspark.core.app;

/** An operation that needs a live app met one that has ended. */
public class AppAlreadyFinishedException extends RuntimeException {

    private final SparkApp app;

    public AppAlreadyFinishedException(SparkApp app) {
        super("app " + app.id() + " already ended as " + app.state());
        this.app = app;
    }

    public SparkApp app() {
        return app;
    }
}
