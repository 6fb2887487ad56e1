package io.platyspark.core.env;

/** A build failed; the message says why in a line (pip's reason), the log has the rest. */
public class EnvBuildException extends RuntimeException {

    private final String log;

    public EnvBuildException(String message, String log) {
        super(message);
        this.log = log;
    }

    public String log() {
        return log;
    }
}
