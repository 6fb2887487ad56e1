package io.platyspark.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.random.RandomGenerator;

/**
 * How long a retry waits: the server's {@code Retry-After} when it gave one, else the backoff doubled with each
 * attempt; then a random part of up to half as long again. Without that part, callers the server refused together
 * (a burst answered 429 with {@code Retry-After: 1}) would all come back in the same instant, as the same burst.
 */
final class RetryDelays {

    /** The longest {@code Retry-After} taken as given; a larger one is read as this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    private RetryDelays() {}

    /**
     * @param attempt    the retry about to be made, 1 for the first
     * @param backoff    the first retry's wait when the server gave no {@code Retry-After}
     * @param retryAfter the server's {@code Retry-After}, or null
     */
    static Duration delay(int attempt, Duration backoff, Duration retryAfter, RandomGenerator random) {
        Duration base = retryAfter != null ? retryAfter : backoff.multipliedBy(1L << Math.min(attempt - 1, 8));
        long baseMillis = base.toMillis();
        return Duration.ofMillis(baseMillis + (long) (random.nextDouble() * (baseMillis / 2.0)));
    }

    /**
     * A {@code Retry-After} value (RFC 9110: delay-seconds or an HTTP-date) as a wait from {@code now}; null when
     * absent or unreadable. A date in the past is no wait; a wait longer than {@link #MAX_RETRY_AFTER} is cut to it.
     */
    static Duration retryAfter(String header, Instant now) {
        String value = header == null ? "" : header.trim();
        if (value.isEmpty()) {
            return null;
        }
        Duration wait;
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            wait = value.length() > 9 ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                wait = Duration.between(
                        now,
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }
}
