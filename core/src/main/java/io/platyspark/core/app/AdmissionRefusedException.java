package io.platyspark.core.app;

import java.time.Duration;

/**
 * A submit the store did not admit (429): over one of its team's quotas, or waiting too long behind the team's
 * earlier submits on this server. Nothing of it was stored; {@link #retryAfter()} says when to try again.
 */
public class AdmissionRefusedException extends RuntimeException {

    private final String quota;
    private final Duration retryAfter;

    public AdmissionRefusedException(String quota, String message, Duration retryAfter) {
        super(message);
        this.quota = quota;
        this.retryAfter = retryAfter;
    }

    /** What refused it, as the quota API spells it ({@code maxActiveApps}, {@code concurrentSubmits}, ...). */
    public String quota() {
        return quota;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
