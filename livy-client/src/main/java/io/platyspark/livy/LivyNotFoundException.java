package io.platyspark.livy;

import java.util.regex.Pattern;

/** 404: no batch by that id or name (never created, deleted, purged after its retention, or forgotten in a restart). */
public class LivyNotFoundException extends LivyHttpException {

    private static final Pattern NO_SUCH_SESSION = Pattern.compile("Session '.*' not found\\.", Pattern.DOTALL);

    public LivyNotFoundException(String method, String url, String livyMessage, String bodySnippet) {
        super(method, url, 404, livyMessage, bodySnippet);
    }

    /**
     * True when Livy itself said it holds no such batch ({@code {"msg":"Session '7' not found."}}). False for a 404
     * from anything else (a wrong base path, a proxy), which says nothing about the batch.
     */
    public boolean isNoSuchBatch() {
        return livyMessage() != null && NO_SUCH_SESSION.matcher(livyMessage()).matches();
    }
}
