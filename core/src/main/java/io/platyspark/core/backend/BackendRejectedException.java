package io.platyspark.core.backend;

/** The backend refused the app for a reason a retry will not change; the message says why. */
public class BackendRejectedException extends RuntimeException {

    public BackendRejectedException(String message) {
        super(message);
    }

    public BackendRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
