package io.platyspark.core.env;

import io.platyspark.core.backend.TargetPlatform;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The bodies of {@code /api/v1/envs}, which spark-server and the app-builder both serve and
 * {@link HttpEnvironments} speaks as a client: one definition, so the three cannot drift apart.
 */
public final class EnvApi {

    private EnvApi() {}

    /** The body of {@code POST /api/v1/envs} (and of {@code POST /api/v1/envs/bootstrap-script}). */
    public record EnvRequest(
            @NotEmpty(message = "is required: pip requirement lines, e.g. [\"requests==2.32.3\"]")
            @Size(max = 500, message = "may hold at most 500 requirements")
            List<
                            @NotBlank @Size(max = 512)
                            @Pattern(regexp = "[^\\r\\n]+", message = "one requirement per entry") String>
                    requirements,

            @Pattern(regexp = "3\\.[0-9]{1,2}", message = "must look like 3.11")
            String pythonVersion,

            @Pattern(regexp = "(?i)x86_64|amd64|aarch64|arm64|graviton", message = "must be x86_64 or aarch64")
            String platform,

            @Pattern(
                    regexp = "/[A-Za-z0-9._+/-]*",
                    message = "must be an absolute path such as /usr (where the "
                            + "nodes' python<version> is installed, under bin/)")
            String pythonPrefix) {

        public EnvRequest(List<String> requirements, String pythonVersion, String platform) {
            this(requirements, pythonVersion, platform, null);
        }

        /** The spec with the defaults of {@code envs} filled in. */
        public EnvSpec spec(Environments envs) {
            EnvSpec.checkRequirements(requirements, "requirements");
            EnvSpec spec =
                    envs.spec(requirements, pythonVersion, platform == null ? null : TargetPlatform.parse(platform));
            if (pythonPrefix == null) {
                return spec;
            }
            if (pythonPrefix.contains("..")) {
                throw new io.platyspark.core.InvalidFieldException(
                        "pythonPrefix", "must be an absolute path " + "without '..', such as /usr");
            }
            return new EnvSpec(
                    spec.requirements(), spec.pythonVersion(), spec.platform(), spec.indexUrl(), pythonPrefix);
        }
    }

    /** A build as the API shows it. */
    public record EnvResponse(
            UUID id,
            String state,
            String uri,
            Long sizeBytes,
            Long durationMs,
            String error,
            String log,
            List<String> requirements,
            String pythonVersion,
            String platform,
            Instant createdAt,
            Instant updatedAt,
            String pythonPrefix) {

        public static EnvResponse of(EnvBuild b) {
            return new EnvResponse(
                    b.id(),
                    b.state().name(),
                    b.uri(),
                    b.sizeBytes(),
                    b.durationMs(),
                    b.error(),
                    b.log(),
                    b.spec().requirements(),
                    b.spec().pythonVersion(),
                    b.spec().platform().name().toLowerCase(),
                    b.createdAt(),
                    b.updatedAt(),
                    b.spec().pythonPrefix());
        }

        /** The build this view shows, as seen by {@code team} (a view does not carry its team). */
        public EnvBuild toBuild(String team) {
            EnvSpec spec = new EnvSpec(requirements, pythonVersion, TargetPlatform.parse(platform), null, pythonPrefix);
            return new EnvBuild(
                    id,
                    spec.cacheKey(),
                    team,
                    spec,
                    EnvBuild.State.valueOf(state),
                    uri,
                    sizeBytes,
                    durationMs,
                    log,
                    error,
                    createdAt,
                    updatedAt);
        }
    }
}
