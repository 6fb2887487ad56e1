package io.platyspark.core.web;

import io.platyspark.core.security.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens the database verified recently, consulted only while the database cannot be reached, so a short outage
 * does not lock every caller out. Bounded in time ({@code ttl} after the last successful check) and in size (the
 * least recently verified go first). Keyed by the token's SHA-256, never the token itself. While the store is
 * out, a token revoked less than {@code ttl} before its last check is still accepted: that is the price.
 */
public final class VerifiedTokenCache {

    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    private final Map<String, Entry> entries;

    public VerifiedTokenCache(Duration ttl, int maxEntries, Clock clock) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > VerifiedTokenCache.this.maxEntries;
            }
        };
    }

    synchronized void verified(String token, Caller caller) {
        if (maxEntries > 0 && !ttl.isZero()) {
            entries.put(hash(token), new Entry(caller, clock.instant().plus(ttl)));
        }
    }

    /** A token the store no longer knows (or knows as revoked) must not be served from here later. */
    synchronized void refused(String token) {
        entries.remove(hash(token));
    }

    synchronized Optional<Caller> lastVerified(String token) {
        String key = hash(token);
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.until())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.caller());
    }

    private static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Entry(Caller caller, Instant until) {}
}
