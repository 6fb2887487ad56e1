package io.platyspark.core.backend;

/**
 * The backend answered, with an error of its own (an HTTP 500 from Livy, say), rather than being out of reach.
 * Retried like an outage, since whether the call took effect is unknown, but it is an answer: it counts as one of
 * the app's submission attempts, where an outage does not.
 */
public class BackendFailedException extends BackendUnavailableException {

    public BackendFailedException(String backend, String message, Throwable cause) {
        super(backend, message, cause);
    }
}
