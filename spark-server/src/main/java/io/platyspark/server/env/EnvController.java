package io.platyspark.server.env;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.env.BootstrapScripts;
import io.platyspark.core.env.EnvApi;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.EnvBuildException;
import io.platyspark.core.env.EnvSpec;
import io.platyspark.core.env.Environments;
import io.platyspark.core.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/api/v1/envs")
@Tag(name = "environments", description = "Python environments for apps' requirements")
class EnvController {

    private final Environments envs;

    EnvController(Environments envs) {
        this.envs = envs;
    }

    @PostMapping
    @Operation(
            summary = "Build (or find) an environment",
            description =
                    "202 with the build, which goes QUEUED → "
                            + "BUILDING → READY (with its archive's URI) or FAILED (with pip's reason). The same requirements give "
                            + "the same build, also while it is in progress; an archive already built is served from the cache.")
    ResponseEntity<EnvApi.EnvResponse> request(@Valid @RequestBody EnvApi.EnvRequest request, Caller caller) {
        EnvSpec spec = request.spec(envs);
        EnvBuild build;
        try {
            build = envs.request(spec, caller.team());
        } catch (EnvBuildException e) {
            throw new InvalidFieldException("pythonVersion", e.getMessage());
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/envs/" + build.id()))
                .body(EnvApi.EnvResponse.of(build));
    }

    @GetMapping("/{id}")
    @Operation(summary = "A build: state, archive URI, size, duration, log")
    EnvApi.EnvResponse get(@PathVariable UUID id) {
        // Builds are shared by every team that asks for the same requirements (one build, one cache entry), so a
        // caller reads any build: its id is only ever handed to those who asked for its requirements.
        return envs.get(id)
                .map(EnvApi.EnvResponse::of)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no environment build " + id));
    }

    @PostMapping(path = "/bootstrap-script", produces = "text/x-shellscript")
    @Operation(summary = "The EMR bootstrap action that installs the same requirements on every node")
    String bootstrapScript(@Valid @RequestBody EnvApi.EnvRequest request) {
        return BootstrapScripts.forSpec(request.spec(envs));
    }
}
