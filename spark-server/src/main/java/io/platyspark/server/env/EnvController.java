package io.platyspark.server.env;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.env.BootstrapScripts;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.EnvBuildException;
import io.platyspark.core.env.EnvSpec;
import io.platyspark.core.env.Environments;
import io.platyspark.core.env.TargetPlatform;
import io.platyspark.core.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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

    /** The body of {@code POST /api/v1/envs}. */
    record EnvRequest(
            @NotEmpty(message = "is required: pip requirement lines, e.g. [\"requests==2.32.3\"]")
            @Size(max = 500, message = "may hold at most 500 requirements")
            List<@NotBlank @Size(max = 512) @Pattern(regexp = "[^\\r\\n]+", message = "one requirement per entry")
                    String> requirements,
            @Pattern(regexp = "3\\.[0-9]{1,2}", message = "must look like 3.11") String pythonVersion,
            @Pattern(regexp = "(?i)x86_64|amd64|aarch64|arm64|graviton", message = "must be x86_64 or aarch64")
            String platform) {
    }

    /** A build as the API shows it. */
    record EnvResponse(UUID id, String state, String uri, Long sizeBytes, Long durationMs, String error, String log,
            List<String> requirements, String pythonVersion, String platform, Instant createdAt, Instant updatedAt) {

        static EnvResponse of(EnvBuild b) {
            return new EnvResponse(b.id(), b.state().name(), b.uri(), b.sizeBytes(), b.durationMs(), b.error(),
                    b.log(), b.spec().requirements(), b.spec().pythonVersion(),
                    b.spec().platform().name().toLowerCase(), b.createdAt(), b.updatedAt());
        }
    }

    @PostMapping
    @Operation(summary = "Build (or find) an environment", description = "202 with the build, which goes QUEUED → "
            + "BUILDING → READY (with its archive's URI) or FAILED (with pip's reason). The same requirements give "
            + "the same build, also while it is in progress; an archive already built is served from the cache.")
    ResponseEntity<EnvResponse> request(@Valid @RequestBody EnvRequest request, Caller caller) {
        EnvSpec spec = spec(request);
        EnvBuild build;
        try {
            build = envs.request(spec, caller.team());
        } catch (EnvBuildException e) {
            throw new InvalidFieldException("pythonVersion", e.getMessage());
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/api/v1/envs/" + build.id()))
                .body(EnvResponse.of(build));
    }

    @GetMapping("/{id}")
    @Operation(summary = "A build: state, archive URI, size, duration, log")
    EnvResponse get(@PathVariable UUID id, Caller caller) {
        return envs.get(id).filter(b -> b.team() == null || caller.mayAccess(b.team())).map(EnvResponse::of)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no environment build " + id));
    }

    @PostMapping(path = "/bootstrap-script", produces = "text/x-shellscript")
    @Operation(summary = "The EMR bootstrap action that installs the same requirements on every node")
    String bootstrapScript(@Valid @RequestBody EnvRequest request) {
        return BootstrapScripts.forSpec(spec(request));
    }

    private EnvSpec spec(EnvRequest request) {
        return envs.spec(request.requirements(), request.pythonVersion(),
                request.platform() == null ? null : TargetPlatform.parse(request.platform()));
    }
}
