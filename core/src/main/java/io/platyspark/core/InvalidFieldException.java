package io.platyspark.core;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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

    /**
     * Every error of {@code errors} (at least one), each field under {@code prefix} ({@code config} turns
     * {@code tags.team} into {@code config.tags.team}): the first is the field, and the message names the others,
     * for one-line readers of the detail.
     */
    public static InvalidFieldException under(String prefix, List<FieldError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("no errors to report under " + prefix);
        }
        List<FieldError> prefixed = errors.stream()
                .map(e -> new FieldError(prefix + "." + e.field(), e.message()))
                .toList();
        FieldError first = errors.get(0);
        String more = errors.size() == 1
                ? ""
                : " (also: "
                        + errors.subList(1, errors.size()).stream()
                                .map(e -> e.field() + ": " + e.message())
                                .collect(Collectors.joining("; "))
                        + ")";
        return new InvalidFieldException(prefix + "." + first.field(), first.message() + more, prefixed);
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
