package io.platyspark.core.backend;

/** The backend could not be asked (network, 5xx, overload). Retry later; conclude nothing about the app. */
public class BackendUnavailableException extends RuntimeException {

    private final String backend;

    public BackendUnavailableException(String backend, String message, Throwable cause) {
        super(message, cause);
        this.backend = backend;
    }

    public String backend() {
        return backend;
    }
}
