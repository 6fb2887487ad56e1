package io.platyspark.server.cluster;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterRequest;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.security.Caller;
import io.platyspark.core.service.ClusterService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/v1/clusters")
@Tag(name = "clusters", description = "The clusters apps run on")
class ClusterController {

    private final ClusterService clusters;
    private final JsonMapper json;

    ClusterController(ClusterService clusters, JsonMapper json) {
        this.clusters = clusters;
        this.json = json;
    }

    /** The body of {@code POST /api/v1/clusters}. */
    record CreateClusterRequest(
            @Schema(description = "Unique among active clusters", example = "etl-daily")
            @NotBlank(message = "is required: a name for the cluster, e.g. \"etl-daily\"")
            @Size(max = 128, message = "must be at most 128 characters")
            @Pattern(
                    regexp = "[A-Za-z0-9][A-Za-z0-9._-]*",
                    message = "may hold letters, digits, '.', '_' and '-', " + "starting with a letter or digit")
            String name,

            @Schema(
                    description = "DEDICATED (one team's), DEV, SHARED (admins only), EKS (an EMR on EKS virtual "
                            + "cluster) or SERVERLESS (an EMR Serverless application)",
                    example = "DEDICATED")
            @NotNull(message = "is required: DEDICATED, DEV, SHARED, EKS or SERVERLESS")
            ClusterKind kind,

            @Schema(description = "The owning team; defaults to the caller's")
            @Size(max = 63)
            @Pattern(regexp = "[a-z0-9][a-z0-9_-]*", message = "must be lower-case letters, digits, " + "'-' or '_'")
            String team,

            @Schema(
                    description = "A ClusterConfig to create the cluster from; omit for the kind's preset. EKS: "
                            + "virtualClusterId to register one, or eksCluster/namespace; SERVERLESS: applicationId to "
                            + "register one, or releaseLabel/architecture/maximumCapacity/idleTimeoutMinutes; both: "
                            + "releaseLabel, executionRoleArn, logUri, tags (docs/api.md)")
            Map<String, Object> config,

            @Schema(
                    description = "Register an existing cluster by its Livy endpoint instead of creating one",
                    example = "http://ip-10-0-0-1.ec2.internal:8998")
            @Size(max = 2048)
            String livyUrl,

            @Schema(
                    description = "Register an existing Spark standalone master instead of creating a cluster; "
                            + "its host must be allowed like a Livy URL's",
                    example = "spark://spark-master.internal:7077")
            @Size(max = 2048)
            String sparkMasterUrl,

            @Schema(
                    description = "That master's web UI, where its applications are tracked (default: port 8080 "
                            + "of its host)",
                    example = "http://spark-master.internal:8080")
            @Size(max = 2048)
            String sparkMasterWebUiUrl) {}

    @PostMapping
    @Operation(
            summary = "Create (or get) a cluster",
            description = "Records the cluster and returns at once (202); "
                    + "the provisioner creates it at the provider and the watchdog follows it to RUNNING/WAITING. When an "
                    + "active cluster by that name exists for the caller's team, it is returned (200). With `livyUrl`, an "
                    + "existing cluster is registered (ready at once, never terminated by the platform); so is a Spark standalone "
                    + "master with `sparkMasterUrl`.")
    ResponseEntity<ClusterResponse> create(@Valid @RequestBody CreateClusterRequest request, Caller caller) {
        String config = request.config() == null ? null : json.writeValueAsString(request.config());
        ClusterStore.GetOrCreate result = clusters.getOrCreate(
                caller,
                new ClusterRequest(
                        request.name(),
                        request.kind(),
                        request.team(),
                        config,
                        request.livyUrl(),
                        request.sparkMasterUrl(),
                        request.sparkMasterWebUiUrl()));
        return ResponseEntity.status(result.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .location(URI.create("/api/v1/clusters/" + result.cluster().name()))
                .body(ClusterResponse.of(result.cluster()));
    }

    @DeleteMapping("/{name}")
    @Operation(
            summary = "Terminate a cluster",
            description = "Terminates a platform-created cluster at its "
                    + "provider (202, TERMINATING until the provider confirms) or forgets a registered one. Apps still "
                    + "active on it fail with the cluster's reason.")
    ResponseEntity<ClusterResponse> terminate(@PathVariable String name, Caller caller) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ClusterResponse.of(clusters.terminate(caller, name)));
    }

    @GetMapping
    @Operation(
            summary = "List clusters",
            description =
                    "Active clusters; with state (repeated or "
                            + "comma-separated) the clusters in those states, ended ones included until the cleaner's retention.")
    List<ClusterResponse> list(@RequestParam(name = "state", required = false) List<String> state, Caller caller) {
        if (state == null || state.isEmpty()) {
            return clusters.listActive(caller).stream().map(ClusterResponse::of).toList();
        }
        Set<ClusterState> states = EnumSet.noneOf(ClusterState.class);
        for (String value : state) {
            try {
                states.add(ClusterState.valueOf(value.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException(
                        "state",
                        "'" + value + "' is not a cluster state; use one of " + Arrays.toString(ClusterState.values()));
            }
        }
        return clusters.list(caller, states).stream().map(ClusterResponse::of).toList();
    }

    @GetMapping("/{name}")
    @Operation(
            summary = "Get a cluster by name",
            description = "The active cluster of that name, else the one "
                    + "that ended last, with its state and reason, until the cleaner's retention removes it.")
    ClusterResponse get(@PathVariable String name, Caller caller) {
        return ClusterResponse.of(clusters.get(caller, name));
    }

    /** A cluster as the API shows it. */
    record ClusterResponse(
            UUID id,
            String name,
            String kind,
            String team,
            String state,
            String stateReason,
            String externalId,
            String masterDns,
            String livyUrl,
            boolean managed,
            Long idleTimeoutSeconds,
            Instant createdAt,
            Instant updatedAt,
            Instant terminatedAt) {

        static ClusterResponse of(Cluster c) {
            // A provider's reason can quote a bootstrap URI or a connection string: masked like an app's.
            return new ClusterResponse(
                    c.id(),
                    c.name(),
                    c.kind().name(),
                    c.team(),
                    c.state().name(),
                    io.platyspark.core.SecretRedactor.redactText(c.stateReason(), java.util.Map.of()),
                    c.externalId(),
                    c.masterDns(),
                    c.livyUrl(),
                    c.managed(),
                    c.idleTimeout() == null ? null : c.idleTimeout().toSeconds(),
                    c.createdAt(),
                    c.updatedAt(),
                    c.terminatedAt());
        }
    }
}
