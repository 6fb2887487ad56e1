package io.platyspark.livy;

import java.util.Locale;

/** A 4xx other than 404: Livy refused the request (a bad field, a duplicate name, too many sessions in flight). */
public class LivyClientException extends LivyHttpException {

    public LivyClientException(String method, String url, int status, String livyMessage, String bodySnippet) {
        super(method, url, status, livyMessage, bodySnippet);
    }

    /**
     * True when the same request may succeed later: Livy's "too many sessions are being created" (its
     * {@code livy.server.session.max-creation} limit, a 400) and 429.
     */
    @Override
    public boolean isRetryable() {
        String text = (livyMessage() != null ? livyMessage() : bodySnippet()).toLowerCase(Locale.ROOT);
        return status() == 429 || text.contains("too many sessions are being created");
    }
}
