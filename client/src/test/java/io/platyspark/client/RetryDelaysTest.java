package io.platyspark.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RetryDelaysTest {

    @Property
    void aRetryWaitsAtLeastTheServersRetryAfterAndAtMostHalfAsLongAgain(
            @ForAll @LongRange(min = 0, max = 600_000) long retryAfterMillis,
            @ForAll @IntRange(min = 1, max = 20) int attempt,
            @ForAll long seed) {
        Duration retryAfter = Duration.ofMillis(retryAfterMillis);

        Duration delay = RetryDelays.delay(attempt, Duration.ofMillis(500), retryAfter, new SplittableRandom(seed));

        assertThat(delay).isBetween(retryAfter, Duration.ofMillis(retryAfterMillis + retryAfterMillis / 2));
    }

    @Property
    void withoutRetryAfterTheBackoffDoublesPerAttemptUpToTheEighth(
            @ForAll @IntRange(min = 1, max = 30) int attempt, @ForAll long seed) {
        long base = 500L << Math.min(attempt - 1, 8);

        Duration delay = RetryDelays.delay(attempt, Duration.ofMillis(500), null, new SplittableRandom(seed));

        assertThat(delay.toMillis()).isBetween(base, base + base / 2);
    }

    @Test
    void callersRefusedTogetherComeBackSpreadOut() {
        Random random = new Random(7);
        long[] waits = new long[500];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = RetryDelays.delay(1, Duration.ofMillis(500), Duration.ofSeconds(1), random)
                    .toMillis();
        }

        // 500 callers told "Retry-After: 1" land across the half second after it, not on one instant.
        long inFirstTenth = java.util.Arrays.stream(waits).filter(w -> w < 1050).count();
        assertThat(java.util.Arrays.stream(waits).min().orElseThrow()).isGreaterThanOrEqualTo(1000);
        assertThat(java.util.Arrays.stream(waits).max().orElseThrow())
                .isGreaterThan(1400)
                .isLessThan(1500);
        assertThat(inFirstTenth).isLessThan(100);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        String inNinetySeconds =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(90).atOffset(ZoneOffset.UTC));

        assertThat(RetryDelays.retryAfter("1", now)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryDelays.retryAfter(" 30 ", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryDelays.retryAfter(inNinetySeconds, now)).isEqualTo(Duration.ofSeconds(90));
        assertThat(RetryDelays.retryAfter("Sat, 05 Dec 2026 12:00:00 GMT", now))
                .as("a date already past")
                .isEqualTo(Duration.ZERO);
        assertThat(RetryDelays.retryAfter("99999999999999999999", now)).isEqualTo(RetryDelays.MAX_RETRY_AFTER);
        assertThat(RetryDelays.retryAfter("86400", now)).isEqualTo(RetryDelays.MAX_RETRY_AFTER);
        assertThat(RetryDelays.retryAfter(null, now)).isNull();
        assertThat(RetryDelays.retryAfter("", now)).isNull();
        assertThat(RetryDelays.retryAfter("\u0000", now))
                .as("trimmed to nothing (found by jqwik)")
                .isNull();
        assertThat(RetryDelays.retryAfter("-1", now)).isNull();
        assertThat(RetryDelays.retryAfter("soon", now)).isNull();
        assertThat(RetryDelays.retryAfter("1.5", now)).isNull();
    }

    @Property
    void anyHeaderIsReadAsNothingOrAWaitWithinTheCap(@ForAll String header) {
        Duration wait = RetryDelays.retryAfter(header, Instant.parse("2026-12-06T12:00:00Z"));

        if (wait != null) {
            assertThat(wait).isBetween(Duration.ZERO, RetryDelays.MAX_RETRY_AFTER);
        }
    }
}
