package io.platyspark.core.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.security.Caller;
import io.platyspark.core.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final VerifiedTokenCache cache = new VerifiedTokenCache(Duration.ofMinutes(5), 2, clock);
    private final Caller alice = caller("alice");

    @Test
    void aVerifiedTokenIsServedForItsTimeOnly() {
        cache.verified("token-a", alice);
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(cache.lastVerified("token-a")).contains(alice);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.lastVerified("token-a")).isEmpty();
    }

    @Test
    void theLeastRecentlyVerifiedGoFirst() {
        cache.verified("token-a", alice);
        cache.verified("token-b", caller("bob"));
        cache.verified("token-c", caller("carol"));

        assertThat(cache.lastVerified("token-a")).isEmpty();
        assertThat(cache.lastVerified("token-b")).isPresent();
        assertThat(cache.lastVerified("token-c")).isPresent();
    }

    @Test
    void aTokenTheStoreRefusedIsForgotten() {
        cache.verified("token-a", alice);
        cache.refused("token-a");
        assertThat(cache.lastVerified("token-a")).isEmpty();
        assertThat(cache.lastVerified("never-seen")).isEmpty();
    }

    private static Caller caller(String name) {
        return new Caller(name, "data", false);
    }
}
