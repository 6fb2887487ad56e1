package io.platyspark.builder;

import io.platyspark.core.env.BootstrapScripts;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.EnvBuildException;
import io.platyspark.core.env.EnvSpec;
import io.platyspark.core.env.EnvironmentService;
import io.platyspark.core.env.TargetPlatform;
import io.platyspark.core.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
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

    /** What to build. */
    record BuildRequest(
            @NotEmpty(message = "is required: pip requirement lines") @Size(max = 500)
            List<@NotBlank @Size(max = 512) @Pattern(regexp = "[^\\r\\n]+") String> requirements,
            @Pattern(regexp = "3\\.[0-9]{1,2}", message = "must look like 3.11") String pythonVersion,
            @Pattern(regexp = "(?i)x86_64|amd64|aarch64|arm64|graviton", message = "must be x86_64 or aarch64")
            String platform) {

        EnvSpec spec(EnvironmentService envs) {
            return envs.spec(requirements, pythonVersion, platform == null ? null : TargetPlatform.parse(platform));
        }
    }

    /** A build. */
    record Build(UUID id, String state, String uri, Long sizeBytes, Long durationMs, String error, String log,
            List<String> requirements, String pythonVersion, String platform, String createdAt, String updatedAt) {

        static Build of(EnvBuild b) {
            return new Build(b.id(), b.state().name(), b.uri(), b.sizeBytes(), b.durationMs(), b.error(), b.log(),
                    b.spec().requirements(), b.spec().pythonVersion(), b.spec().platform().name().toLowerCase(),
                    String.valueOf(b.createdAt()), String.valueOf(b.updatedAt()));
        }
    }

    @PostMapping
    ResponseEntity<Build> build(@Valid @RequestBody BuildRequest request,
            @RequestAttribute(BearerTokenFilter.CALLER) Caller caller) {
        EnvBuild build = envs.request(request.spec(envs), caller.team());
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/api/v1/envs/" + build.id()))
                .body(Build.of(build));
    }

    @GetMapping("/{id}")
    ResponseEntity<Build> get(@PathVariable UUID id, @RequestAttribute(BearerTokenFilter.CALLER) Caller caller) {
        return envs.get(id).filter(b -> b.team() == null || caller.mayAccess(b.team()))
                .map(b -> ResponseEntity.ok(Build.of(b))).orElse(ResponseEntity.notFound().build());
    }

    @PostMapping(path = "/bootstrap-script", produces = "text/x-shellscript")
    String bootstrapScript(@Valid @RequestBody BuildRequest request) {
        return BootstrapScripts.forSpec(request.spec(envs));
    }

    @ExceptionHandler
    ProblemDetail onInvalid(org.springframework.web.bind.MethodArgumentNotValidException e) {
        var error = e.getBindingResult().getFieldErrors().get(0);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                error.getField() + ": " + error.getDefaultMessage());
        problem.setType(URI.create("urn:platyspark:problem:invalid-request"));
        problem.setProperty("field", error.getField());
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
