package io.platyspark.builder;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.env.BootstrapScripts;
import io.platyspark.core.env.EnvApi;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.EnvBuildException;
import io.platyspark.core.env.EnvironmentService;
import io.platyspark.core.security.Caller;
import io.platyspark.core.web.ApiTokenIntrospector;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The app-builder's API: the same {@code /api/v1/envs} spark-server offers, served by this process's builder. */
@RestController
@RequestMapping("/api/v1/envs")
class EnvBuildController {

    private final EnvironmentService envs;

    EnvBuildController(EnvironmentService envs) {
        this.envs = envs;
    }

    @PostMapping
    ResponseEntity<EnvApi.EnvResponse> build(
            @Valid @RequestBody EnvApi.EnvRequest request,
            @AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal) {
        // Spring Security (core's shared ApiSecurity chain) admitted only a valid platform token.
        Caller caller = ApiTokenIntrospector.caller(principal);
        EnvBuild build = envs.request(request.spec(envs), caller.team());
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/envs/" + build.id()))
                .body(EnvApi.EnvResponse.of(build));
    }

    /** A build. Builds are shared by every team that asks for the same requirements, so any caller reads them. */
    @GetMapping("/{id}")
    ResponseEntity<?> get(@PathVariable UUID id) {
        return envs.get(id)
                .<ResponseEntity<?>>map(b -> ResponseEntity.ok(EnvApi.EnvResponse.of(b)))
                .orElseGet(() -> {
                    // problem+json: how a client tells the builder's "no such build" from a proxy's 404 page
                    ProblemDetail problem =
                            ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no environment build " + id);
                    problem.setType(URI.create("urn:platyspark:problem:not-found"));
                    return ResponseEntity.status(HttpStatus.NOT_FOUND)
                            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                            .body(problem);
                });
    }

    @PostMapping(path = "/bootstrap-script", produces = "text/x-shellscript")
    String bootstrapScript(@Valid @RequestBody EnvApi.EnvRequest request) {
        return BootstrapScripts.forSpec(request.spec(envs));
    }

    @ExceptionHandler
    ProblemDetail onInvalid(org.springframework.web.bind.MethodArgumentNotValidException e) {
        var error = e.getBindingResult().getFieldErrors().get(0);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, error.getField() + ": " + error.getDefaultMessage());
        problem.setType(URI.create("urn:platyspark:problem:invalid-request"));
        problem.setProperty("field", error.getField());
        return problem;
    }

    /** A body core's strict JSON refuses (unknown field, wrong type): 400 naming the field, like spark-server. */
    @ExceptionHandler
    ProblemDetail onUnreadable(org.springframework.http.converter.HttpMessageNotReadableException e) {
        String field = e.getCause() instanceof tools.jackson.core.JacksonException json
                        && !json.getPath().isEmpty()
                ? json.getPath().stream()
                        .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                        .collect(java.util.stream.Collectors.joining("."))
                        .replace(".[", "[")
                : null;
        String detail = field == null
                ? "the body is not valid JSON for this endpoint"
                : e.getCause() instanceof tools.jackson.databind.exc.UnrecognizedPropertyException
                        ? field + ": is not a known field; check its spelling against the API reference"
                        : field + ": has the wrong type";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setType(URI.create("urn:platyspark:problem:invalid-request"));
        if (field != null) {
            problem.setProperty("field", field);
        }
        return problem;
    }

    @ExceptionHandler
    ProblemDetail onInvalidField(InvalidFieldException e) {
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.field() + ": " + e.getMessage());
        problem.setType(URI.create("urn:platyspark:problem:invalid-request"));
        problem.setProperty("field", e.field());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail onBuildRefused(EnvBuildException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(URI.create("urn:platyspark:problem:invalid-request"));
        problem.setProperty("field", "pythonVersion");
        return problem;
    }

    @ExceptionHandler
    ProblemDetail onBadPlatform(IllegalArgumentException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(URI.create("urn:platyspark:problem:invalid-request"));
        problem.setProperty("field", "platform");
        return problem;
    }
}
