package io.platyspark.server.api;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.app.AdmissionRefusedException;
import io.platyspark.core.app.AppAlreadyFinishedException;
import io.platyspark.core.app.AppNotFoundException;
import io.platyspark.core.app.IdempotencyKeyReusedException;
import io.platyspark.core.app.InvalidCursorException;
import io.platyspark.core.app.LogsGoneException;
import io.platyspark.core.app.UnknownClusterException;
import io.platyspark.core.artifact.ArtifactStoreException;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.cluster.ClusterNameTakenException;
import io.platyspark.core.cluster.ClusterNotFoundException;
import io.platyspark.core.cluster.ClusterNotTerminableException;
import io.platyspark.core.quota.ClusterQuotaExceededException;
import io.platyspark.core.security.ForbiddenException;
import io.platyspark.core.security.LastAdminTokenException;
import io.platyspark.core.security.TokenNameTakenException;
import io.platyspark.core.web.FieldProblems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure into RFC 9457 problem+json with a stable {@code type}, a {@code detail} that says what to
 * fix and, for bad input, the offending {@code field}. Each exception type has its own handler.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        return FieldProblems.problem(status, type, title, detail);
    }

    static ProblemDetail invalidField(String field, String detail) {
        return FieldProblems.invalidField(field, detail);
    }

    @ExceptionHandler
    ProblemDetail onInvalidField(InvalidFieldException e) {
        return FieldProblems.of(e);
    }

    @ExceptionHandler
    ProblemDetail onForbidden(ForbiddenException e) {
        ProblemDetail problem = problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", e.getMessage());
        if (e.field() != null) {
            problem.setProperty("field", e.field());
        }
        return problem;
    }

    /** Over a cluster quota: the quota by name, what the team uses of it and its limit; nothing was recorded. */
    @ExceptionHandler
    ProblemDetail onClusterQuotaExceeded(ClusterQuotaExceededException e) {
        ProblemDetail problem = problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", e.getMessage());
        problem.setProperty("field", e.field());
        problem.setProperty("quota", e.quota());
        problem.setProperty("usage", e.usage());
        problem.setProperty("limit", e.limit());
        return problem;
    }

    /** Over an admission quota: nothing was stored; the header says when the quota has room again. */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> onQuotaExceeded(AdmissionRefusedException e) {
        ProblemDetail problem =
                problem(HttpStatus.TOO_MANY_REQUESTS, "quota-exceeded", "Quota exceeded", e.getMessage());
        problem.setProperty("quota", e.quota());
        long seconds = Math.max(1, e.retryAfter().toSeconds());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .body(problem);
    }

    @ExceptionHandler
    ProblemDetail onTokenNameTaken(TokenNameTakenException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "token-name-taken", "Token name taken", e.getMessage());
        problem.setProperty("field", "name");
        return problem;
    }

    @ExceptionHandler
    ProblemDetail onLastAdminToken(LastAdminTokenException e) {
        return problem(HttpStatus.CONFLICT, "last-admin-token", "Last admin token", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail onUnknownCluster(UnknownClusterException e) {
        return invalidField("cluster", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail onInvalidCursor(InvalidCursorException e) {
        return invalidField("cursor", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail onAppNotFound(AppNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "app-not-found", "App not found", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail onClusterNotFound(ClusterNotFoundException e) {
        return problem(
                HttpStatus.NOT_FOUND,
                "cluster-not-found",
                "Cluster not found",
                e.getMessage() + "; list clusters with GET /api/v1/clusters");
    }

    @ExceptionHandler
    ProblemDetail onClusterNameTaken(ClusterNameTakenException e) {
        ProblemDetail problem =
                problem(HttpStatus.CONFLICT, "cluster-name-taken", "Cluster name taken", e.getMessage());
        problem.setProperty("field", "name");
        return problem;
    }

    @ExceptionHandler
    ProblemDetail onClusterNotTerminable(ClusterNotTerminableException e) {
        return problem(HttpStatus.CONFLICT, "cluster-not-terminable", "Cluster cannot be terminated", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> onArtifactStore(ArtifactStoreException e) {
        log.warn("artifact store unavailable: {}", e.getMessage());
        ProblemDetail problem = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "artifact-store-unavailable",
                "Artifact store unavailable",
                e.getMessage() + "; nothing was stored, try again later");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "30")
                .body(problem);
    }

    @ExceptionHandler
    ProblemDetail onIdempotencyKeyReused(IdempotencyKeyReusedException e) {
        ProblemDetail problem = problem(
                HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", "Idempotency key reused", e.getMessage());
        problem.setProperty("field", "Idempotency-Key");
        problem.setProperty("existingAppId", e.existingAppId().toString());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail onLogsGone(LogsGoneException e) {
        ProblemDetail problem = problem(HttpStatus.GONE, "logs-gone", "Logs gone", e.getMessage());
        problem.setProperty("logUri", e.app().links().logUri());
        problem.setProperty("driverLog", e.app().links().driverLogUrl());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail onAlreadyFinished(AppAlreadyFinishedException e) {
        ProblemDetail problem = problem(
                HttpStatus.CONFLICT,
                "app-already-finished",
                "App already finished",
                e.getMessage() + "; there is nothing to kill");
        problem.setProperty("state", e.app().state().name());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail onBackendRejected(BackendRejectedException e) {
        return problem(HttpStatus.CONFLICT, "backend-rejected", "Refused by the backend", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> onBackendUnavailable(BackendUnavailableException e) {
        log.warn("backend {} unavailable: {}", e.backend(), e.getMessage());
        ProblemDetail problem = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "backend-unavailable",
                "Backend unavailable",
                e.getMessage() + "; nothing was changed, try again later");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "10")
                .body(problem);
    }

    @ExceptionHandler
    ProblemDetail onValueTheStoreRefuses(DataIntegrityViolationException e) {
        // Only the first line of the database's message: the lines after it quote the offending data.
        log.warn(
                "the store refused a value: {}",
                firstLine(e.getMostSpecificCause().getMessage()));
        return problem(
                HttpStatus.BAD_REQUEST,
                "invalid-request",
                "Invalid request",
                "a value in the request "
                        + "cannot be stored (a NUL character, or a number or time out of range); nothing was stored");
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> onStoreUnavailable(DataAccessException e) {
        // The database's full message can quote request data (secrets included): the first line and state only.
        log.error(
                "state store failed: {}: {}",
                e.getClass().getSimpleName(),
                firstLine(e.getMostSpecificCause().getMessage()));
        log.debug("state store failure", e);
        ProblemDetail problem = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "store-unavailable",
                "Store unavailable",
                "the platform's database could not be reached; nothing was changed, try again later");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "10")
                .body(problem);
    }

    @ExceptionHandler
    ProblemDetail onTypeMismatch(MethodArgumentTypeMismatchException e) {
        return FieldProblems.typeMismatch(e);
    }

    @ExceptionHandler
    ProblemDetail onMissingHeader(MissingRequestHeaderException e) {
        return invalidField(e.getHeaderName(), "this header is required");
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest().body(FieldProblems.of(e.getBindingResult()));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var result = e.getParameterValidationResults().get(0);
        String field = result.getMethodParameter().getParameterName();
        String detail = result.getResolvableErrors().get(0).getDefaultMessage();
        return ResponseEntity.badRequest().body(invalidField(field, detail));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest().body(invalidField(e.getParameterName(), "this parameter is required"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest().body(FieldProblems.unreadable(e));
    }

    @ExceptionHandler
    ProblemDetail onUnexpected(RuntimeException e) {
        log.error("unexpected failure", e);
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal-error",
                "Internal error",
                "the server failed unexpectedly; report the requestId to the platform team");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
