package io.platyspark.livy;

/** A 5xx: Livy (or a proxy in front of it) failed; whether a create took effect is unknown. */
public class LivyServerException extends LivyHttpException {

    public LivyServerException(String method, String url, int status, String livyMessage, String bodySnippet) {
        super(method, url, status, livyMessage, bodySnippet);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
