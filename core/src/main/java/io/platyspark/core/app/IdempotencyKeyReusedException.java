package io.platyspark.core.app;

import java.util.UUID;

/** An idempotency key came back with a different request than the one that first used it. */
public class IdempotencyKeyReusedException extends RuntimeException {

    private final UUID existingAppId;

    public IdempotencyKeyReusedException(String key, UUID existingAppId) {
        super("Idempotency-Key '" + key + "' was already used for app " + existingAppId
                + " with a different request; use a new key for a new app, or resend the original request");
        this.existingAppId = existingAppId;
    }

    public UUID existingAppId() {
        return existingAppId;
    }
}
