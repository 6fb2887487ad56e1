package io.platyspark.core.security;

import io.platyspark.core.SecretRedactor;

/** The caller is known but may not do this; the message says what it may do instead. */
public class ForbiddenException extends RuntimeException {

    private final String field;

    public ForbiddenException(String field, String message) {
        super(SecretRedactor.redactText(message, java.util.Map.of()));
        this.field = field;
    }

    /** The request field whose value the caller may not use, or null. */
    public String field() {
        return field;
    }
}
