package io.platyspark.core;

import io.platyspark.core.security.SecretRedactor;
import java.util.List;
import java.util.Map;

/**
 * A request field whose value the API refuses; the message says how to fix it. Messages often quote the input, so
 * they are masked here, once, for every response and log line that shows them. When several fields are wrong,
 * {@link #errors()} lists each (the first is {@link #field()}), so a caller fixes them all in one round.
 */
public class InvalidFieldException extends RuntimeException {

    private final String field;
    private final List<FieldError> errors;

    public InvalidFieldException(String field, String message) {
        this(field, message, List.of(new FieldError(field, message)));
    }

    public InvalidFieldException(String field, String message, List<FieldError> errors) {
        super(SecretRedactor.redactText(message, Map.of()));
        this.field = field;
        this.errors = errors.stream()
                .map(e -> new FieldError(e.field(), SecretRedactor.redactText(e.message(), Map.of())))
                .toList();
    }

    public String field() {
        return field;
    }

    /** Every field refused, each with what to do. */
    public List<FieldError> errors() {
        return errors;
    }

    /** One refused field. */
    public record FieldError(String field, String message) {}
}
