package io.platyspark.core.security;

import java.time.Instant;
import java.util.UUID;

/** An API token as stored: never the token itself, only its hash. */
public record ApiToken(
        UUID id,
        String name,
        String team,
        boolean admin,
        Instant createdAt,
        String createdBy,
        Instant expiresAt,
        Instant revokedAt) {

    public boolean isUsableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    public Caller toCaller() {
        return new Caller(name, team, admin);
    }
}
