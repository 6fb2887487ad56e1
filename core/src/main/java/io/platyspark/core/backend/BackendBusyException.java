package io.platyspark.core.backend;

/** The backend is healthy but full; the app waits for room without using up its attempts. */
public class BackendBusyException extends BackendUnavailableException {

    public BackendBusyException(String backend, String message) {
        super(backend, message, null);
    }
}
