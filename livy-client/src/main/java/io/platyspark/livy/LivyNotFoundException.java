package io.platyspark.livy;

/** 404: no batch by that id or name (never created, deleted, purged after its retention, or forgotten in a restart). */
public class LivyNotFoundException extends LivyHttpException {

    public LivyNotFoundException(String method, String url, String livyMessage, String bodySnippet) {
        super(method, url, 404, livyMessage, bodySnippet);
    }
}
