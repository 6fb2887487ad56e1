package io.platyspark.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The server refused a call with an RFC 9457 problem: its {@code type}, {@code detail} (what to fix), the offending
 * {@code field} when there is one, and the request id to quote when asking for help.
 */
public class PlatyApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final String detail;
    private final String field;
    private final String requestId;
    private final Duration retryAfter;

    public PlatyApiException(int status, String type, String title, String detail, String field, String requestId) {
        this(status, type, title, detail, field, requestId, null);
    }

    /** @param retryAfter the server's {@code Retry-After}, or null when it gave none */
    public PlatyApiException(
            int status, String type, String title, String detail, String field, String requestId, Duration retryAfter) {
        super(status + " " + (detail != null ? detail : title != null ? title : "error")
                + (requestId != null ? " [request " + requestId + "]" : ""));
        this.status = status;
        this.type = type;
        this.title = title;
        this.detail = detail;
        this.field = field;
        this.requestId = requestId;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    /** The problem type after {@code urn:platyspark:problem:}, e.g. {@code invalid-request}. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    public String field() {
        return field;
    }

    public String requestId() {
        return requestId;
    }

    /** How long the server asked the caller to wait before trying again ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
