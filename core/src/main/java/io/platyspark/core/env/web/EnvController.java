package io.platyspark.core.env.web;

import io.platyspark.core.env.BootstrapScripts;
import io.platyspark.core.env.EnvApi;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.Environments;
import io.platyspark.core.security.Caller;
import io.platyspark.core.web.CurrentCaller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/envs}, the one controller spark-server and the app-builder both serve: spark-server over its
 * {@link Environments} (built in process, or asked of the app-builder), the app-builder over its own builder. Its
 * errors are {@link EnvProblems}', so both answer the same input with the same status and problem type.
 */
@RestController
@RequestMapping("/api/v1/envs")
@Tag(name = "environments", description = "Python environments for apps' requirements")
class EnvController {

    private final Environments envs;
    private final CurrentCaller callers;

    EnvController(Environments envs, CurrentCaller callers) {
        this.envs = envs;
        this.callers = callers;
    }

    @PostMapping
    @Operation(
            summary = "Build (or find) an environment",
            description =
                    "202 with the build, which goes QUEUED → "
                            + "BUILDING → READY (with its archive's URI) or FAILED (with pip's reason). The same requirements give "
                            + "the same build, also while it is in progress; an archive already built is served from the cache.")
    ResponseEntity<EnvApi.EnvResponse> request(@Valid @RequestBody EnvApi.EnvRequest request) {
        Caller caller = callers.current();
        if (caller == null) {
            // The security chain admits only authenticated calls; this is its last line, never a build for nobody.
            throw new AuthenticationCredentialsNotFoundException("no authenticated caller");
        }
        EnvBuild build = envs.request(request.spec(envs), caller.team());
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/envs/" + build.id()))
                .body(EnvApi.EnvResponse.of(build));
    }

    @GetMapping("/{id}")
    @Operation(summary = "A build: state, archive URI, size, duration, log")
    EnvApi.EnvResponse get(@PathVariable UUID id) {
        // Builds are shared by every team that asks for the same requirements (one build, one cache entry), so a
        // caller reads any build: its id is only ever handed to those who asked for its requirements.
        return envs.get(id).map(EnvApi.EnvResponse::of).orElseThrow(() -> new EnvBuildNotFoundException(id));
    }

    @PostMapping(path = "/bootstrap-script", produces = "text/x-shellscript")
    @Operation(summary = "The EMR bootstrap action that installs the same requirements on every node")
    String bootstrapScript(@Valid @RequestBody EnvApi.EnvRequest request) {
        return BootstrapScripts.forSpec(request.spec(envs));
    }

    /** No build has the id asked for. */
    static final class EnvBuildNotFoundException extends RuntimeException {

        EnvBuildNotFoundException(UUID id) {
            super("no environment build " + id + "; request one with POST /api/v1/envs");
        }
    }
}
