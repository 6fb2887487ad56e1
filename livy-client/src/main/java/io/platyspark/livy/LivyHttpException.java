package io.platyspark.livy;

/** Livy answered with an error status. */
public class LivyHttpException extends LivyException {

    private final int status;
    private final String livyMessage;
    private final String bodySnippet;

    public LivyHttpException(String method, String url, int status, String livyMessage, String bodySnippet) {
        super(
                method,
                url,
                status + (livyMessage != null ? " " + livyMessage : bodySnippet.isEmpty() ? "" : " " + bodySnippet),
                null);
        this.status = status;
        this.livyMessage = livyMessage;
        this.bodySnippet = bodySnippet;
    }

    public int status() {
        return status;
    }

    /** Livy's own words: the {@code msg} of a JSON object body, or a bare JSON string body; null otherwise. */
    public String livyMessage() {
        return livyMessage;
    }

    /** The start of the body (at most 1 KB), for whatever else Livy or a proxy sent. */
    public String bodySnippet() {
        return bodySnippet;
    }
}
