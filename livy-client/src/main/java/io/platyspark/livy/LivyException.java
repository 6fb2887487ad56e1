package io.platyspark.livy;

/** A call to Livy failed; subclasses say whether it was the transport or an HTTP answer. */
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
}
