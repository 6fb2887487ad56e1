package io.platyspark.core.quota;

import java.time.Duration;

/**
 * A submit over one of its team's admission quotas: refused (429) with when to try again. Nothing was stored.
 */
public class QuotaExceededException extends RuntimeException {

    private final String quota;
    private final Duration retryAfter;

    public QuotaExceededException(String quota, String message, Duration retryAfter) {
        super(message);
        this.quota = quota;
        this.retryAfter = retryAfter;
    }

    /** The quota's name as the quota API spells it ({@code maxActiveApps}, {@code submitsPerMinute}). */
    public String quota() {
        return quota;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
