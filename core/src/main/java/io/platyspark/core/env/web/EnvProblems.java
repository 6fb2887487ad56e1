package io.platyspark.core.env.web;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.env.EnvBuildException;
import io.platyspark.core.web.FieldProblems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The refusals of {@link EnvController}, the same in every app that serves it: ahead of an app's own handler
 * (spark-server's), so neither app's habits reach these paths. What is not bad input (a store or builder outage)
 * is left to the app's handling and the shared HTTP edge.
 */
@RestControllerAdvice(assignableTypes = EnvController.class)
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class EnvProblems {

    @ExceptionHandler
    ProblemDetail onInvalidField(InvalidFieldException e) {
        return FieldProblems.of(e);
    }

    @ExceptionHandler
    ProblemDetail onInvalidBody(MethodArgumentNotValidException e) {
        return FieldProblems.of(e.getBindingResult());
    }

    @ExceptionHandler
    ProblemDetail onUnreadable(HttpMessageNotReadableException e) {
        return FieldProblems.unreadable(e);
    }

    @ExceptionHandler
    ProblemDetail onTypeMismatch(MethodArgumentTypeMismatchException e) {
        return FieldProblems.typeMismatch(e);
    }

    /** The builder cannot make an environment for the Python version asked for. */
    @ExceptionHandler
    ProblemDetail onBuildRefused(EnvBuildException e) {
        return FieldProblems.invalidField("pythonVersion", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail onNotFound(EnvController.EnvBuildNotFoundException e) {
        return FieldProblems.problem(
                HttpStatus.NOT_FOUND, "env-build-not-found", "Environment build not found", e.getMessage());
    }
}
