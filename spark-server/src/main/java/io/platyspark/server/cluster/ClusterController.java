package io.platyspark.server.cluster;

import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterService;
import io.platyspark.core.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/clusters")
@Tag(name = "clusters", description = "The clusters apps run on")
class ClusterController {

    private final ClusterService clusters;

    ClusterController(ClusterService clusters) {
        this.clusters = clusters;
    }

    @GetMapping
    @Operation(summary = "List active clusters")
    List<ClusterResponse> list(Caller caller) {
        return clusters.listActive(caller).stream().map(ClusterResponse::of).toList();
    }

    @GetMapping("/{name}")
    @Operation(summary = "Get an active cluster by name")
    ClusterResponse get(@PathVariable String name, Caller caller) {
        return ClusterResponse.of(clusters.get(caller, name));
    }

    /** A cluster as the API shows it. */
    record ClusterResponse(UUID id, String name, String kind, String team, String state, String stateReason,
            String externalId, String masterDns, String livyUrl, Instant createdAt, Instant updatedAt,
            Instant terminatedAt) {

        static ClusterResponse of(Cluster c) {
            return new ClusterResponse(c.id(), c.name(), c.kind().name(), c.team(), c.state().name(),
                    c.stateReason(), c.externalId(), c.masterDns(), c.livyUrl(), c.createdAt(), c.updatedAt(),
                    c.terminatedAt());
        }
    }
}
