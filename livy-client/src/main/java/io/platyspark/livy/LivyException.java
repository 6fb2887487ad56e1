package io.platyspark.livy;

/**
 * A call to Livy failed. Every instance names the method and URL; subclasses say whether it was the transport
 * ({@link LivyTransportException}) or an HTTP answer ({@link LivyHttpException}). Used directly when Livy answered
 * 2xx with something that is not its JSON (a login page from a proxy, a wrong base URL).
 */
public class LivyException extends RuntimeException {

    private final String method;
    private final String url;

    public LivyException(String method, String url, String message, Throwable cause) {
        super(method + " " + url + ": " + message, cause);
        this.method = method;
        this.url = url;
    }

    public String method() {
        return method;
    }

    public String url() {
        return url;
    }

    /** True when the same call may succeed later (an outage, an overload), false when it never will as it is. */
    public boolean isRetryable() {
        return false;
    }
}
