package io.platyspark.core;

import io.platyspark.core.security.SecretRedactor;
import java.util.Map;

/**
 * A request field whose value the API refuses; the message says how to fix it. Messages often quote the input, so
 * they are masked here, once, for every response and log line that shows them.
 */
public class InvalidFieldException extends RuntimeException {

    private final String field;

    public InvalidFieldException(String field, String message) {
        super(SecretRedactor.redactText(message, Map.of()));
        this.field = field;
    }

    public String field() {
        return field;
    }
}
