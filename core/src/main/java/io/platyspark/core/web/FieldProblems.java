package io.platyspark.core.web;

import io.platyspark.core.InvalidFieldException;
import java.net.URI;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The problem+json of bad input, one shape for every API app (spark-server's handler and the shared
 * {@code /api/v1/envs} controller): 400 {@code invalid-request} with the first offending {@code field}, a
 * {@code detail} saying what to fix and every refused field in {@code errors}; {@code malformed-body} when the body
 * is not JSON at all.
 */
public final class FieldProblems {

    private FieldProblems() {}

    /** A problem of a stable {@code type} (after {@link ProblemResponses#TYPE_PREFIX}), with the request's id. */
    public static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(ProblemResponses.TYPE_PREFIX + type));
        problem.setTitle(title);
        String requestId = MDC.get(RequestIdFilter.MDC_KEY);
        if (requestId != null) {
            problem.setProperty("requestId", requestId);
        }
        return problem;
    }

    public static ProblemDetail invalidField(String field, String detail) {
        ProblemDetail problem =
                problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", field + ": " + detail);
        problem.setProperty("field", field);
        problem.setProperty("errors", List.of(Map.of("field", field, "message", detail)));
        return problem;
    }

    public static ProblemDetail of(InvalidFieldException e) {
        ProblemDetail problem = invalidField(e.field(), e.getMessage());
        problem.setProperty(
                "errors",
                e.errors().stream()
                        .map(error -> Map.of("field", error.field(), "message", error.message()))
                        .toList());
        return problem;
    }

    /** Bean Validation's refusals of a request body, every field at once. */
    public static ProblemDetail of(BindingResult result) {
        List<FieldError> fields = result.getFieldErrors();
        if (fields.isEmpty()) {
            // A class-level constraint: no field to name, the object itself is wrong.
            String detail = result.getAllErrors().isEmpty()
                    ? "is invalid"
                    : String.valueOf(result.getAllErrors().get(0).getDefaultMessage());
            return invalidField(result.getObjectName(), detail);
        }
        ProblemDetail problem = invalidField(fields.get(0).getField(), message(fields.get(0)));
        problem.setProperty(
                "errors",
                fields.stream()
                        .map(f -> Map.of("field", f.getField(), "message", message(f)))
                        .toList());
        return problem;
    }

    /** A body the strict JSON reader refuses: the field by its path when there is one, else the body. */
    public static ProblemDetail unreadable(HttpMessageNotReadableException e) {
        if (e.getCause() instanceof JacksonException json && !json.getPath().isEmpty()) {
            String field = json.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            String detail;
            if (json instanceof UnrecognizedPropertyException) {
                detail = "is not a known field; check its spelling against the API reference";
            } else if (json instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
                detail = "must be " + jsonTypeName(mismatch.getTargetType());
            } else {
                detail = "has the wrong type or format: " + json.getOriginalMessage();
            }
            return invalidField(field, detail);
        }
        return problem(
                HttpStatus.BAD_REQUEST,
                "malformed-body",
                "Malformed request body",
                "the body is not valid JSON for this endpoint: "
                        + (e.getCause() instanceof JacksonException json
                                ? json.getOriginalMessage()
                                : "empty or unreadable"));
    }

    /** A path variable or parameter that does not convert: its name, what it was and what it must be. */
    public static ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        String expected = type != null && type.isEnum()
                ? "one of "
                        + Arrays.stream(type.getEnumConstants())
                                .map(Object::toString)
                                .collect(Collectors.joining(", "))
                : "a valid " + (type == null ? "value" : type.getSimpleName());
        return invalidField(e.getName(), "'" + e.getValue() + "' is not " + expected);
    }

    private static String message(FieldError error) {
        return error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage();
    }

    private static String jsonTypeName(Class<?> type) {
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a JSON object of string values";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        return "a JSON value of type " + type.getSimpleName();
    }
}
