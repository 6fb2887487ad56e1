package io.platyspark.core.security;

import java.util.UUID;

/** Revoking this token would leave no usable admin token, and nobody could manage tokens any more. */
public class LastAdminTokenException extends RuntimeException {

    private final UUID id;

    public LastAdminTokenException(UUID id) {
        super("token " + id + " is the last usable admin token; revoking it would lock every admin out. Issue "
                + "another admin token (POST /api/v1/admin/tokens with \"admin\": true) first, then revoke this one");
        this.id = id;
    }

    public UUID id() {
        return id;
    }
}
