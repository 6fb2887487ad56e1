package io.platyspark.aws.emr;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.Cluster;
import software.amazon.awssdk.services.emr.model.ClusterState;
import software.amazon.awssdk.services.emr.model.ClusterStateChangeReason;
import software.amazon.awssdk.services.emr.model.ClusterSummary;
import software.amazon.awssdk.services.emr.model.ListClustersRequest;
import software.amazon.awssdk.services.emr.model.ListClustersResponse;
import software.amazon.awssdk.services.emr.model.Tag;

/**
 * EMR operations the platform needs, each with the fewest API calls: create (adopting a cluster an earlier,
 * lost call created), describe, list by state page by page, terminate, wait until ready.
 */
public final class EmrClusters {

    public static final int LIVY_PORT = 8998;
    private static final List<ClusterState> ACTIVE = List.of(ClusterState.STARTING, ClusterState.BOOTSTRAPPING,
            ClusterState.RUNNING, ClusterState.WAITING, ClusterState.TERMINATING);

    private final EmrClient emr;
    private final AtomicInteger listPages = new AtomicInteger();

    public EmrClusters(EmrClient emr) {
        this.emr = emr;
    }

    /**
     * Creates the cluster, unless an active one with this name is tagged with {@code platformId} (a create whose
     * answer was lost): {@code RunJobFlow} has no idempotency token, the tag is ours.
     *
     * @return the EMR cluster id and whether it was adopted
     * @throws ClusterConfigException when the config breaks the platform's rules; nothing is called then
     */
    public Created create(ClusterConfig config, PlatformDefaults defaults, String platformId) {
        var request = config.toRunJobFlowRequest(defaults, platformId);
        Optional<String> earlier = findTagged(config.name(), platformId);
        if (earlier.isPresent()) {
            return new Created(earlier.get(), true);
        }
        return new Created(emr.runJobFlow(request).jobFlowId(), false);
    }

    private Optional<String> findTagged(String name, String platformId) {
        for (ClusterSummary summary : listSummaries(ACTIVE, null)) {
            if (name.equals(summary.name())) {
                EmrCluster cluster = describe(summary.id());
                if (platformId.equals(cluster.tags().get(ClusterConfig.PLATFORM_ID_TAG))) {
                    return Optional.of(cluster.id());
                }
            }
        }
        return Optional.empty();
    }

    public EmrCluster describe(String clusterId) {
        Cluster c = emr.describeCluster(r -> r.clusterId(clusterId)).cluster();
        return new EmrCluster(c.id(), c.name(), c.status().stateAsString(), reason(c.status().stateChangeReason()),
                c.masterPublicDnsName(),
                c.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b)),
                c.status().timeline() == null ? null : c.status().timeline().creationDateTime());
    }

    /**
     * Clusters in the given states (all states when empty) created after {@code createdAfter} (any time when
     * null), one {@code ListClusters} call per page of 50. Master DNS is not part of a listing.
     */
    public List<EmrCluster> list(Collection<String> states, Instant createdAfter) {
        List<ClusterState> filter = states.stream().map(ClusterState::fromValue).toList();
        return listSummaries(filter, createdAfter).stream().map(s -> new EmrCluster(s.id(), s.name(),
                s.status().stateAsString(), reason(s.status().stateChangeReason()), null, Map.of(),
                s.status().timeline() == null ? null : s.status().timeline().creationDateTime())).toList();
    }

    private List<ClusterSummary> listSummaries(Collection<ClusterState> states, Instant createdAfter) {
        List<ClusterSummary> all = new ArrayList<>();
        ListClustersRequest.Builder request = ListClustersRequest.builder();
        if (!states.isEmpty()) {
            request.clusterStates(states);
        }
        if (createdAfter != null) {
            request.createdAfter(createdAfter);
        }
        String marker = null;
        do {
            ListClustersResponse page = emr.listClusters(request.marker(marker).build());
            listPages.incrementAndGet();
            all.addAll(page.clusters());
            marker = page.marker();
        } while (marker != null && !marker.isEmpty());
        return all;
    }

    public void terminate(String clusterId) {
        emr.terminateJobFlows(r -> r.jobFlowIds(clusterId));
    }

    /**
     * Polls until the cluster is ready (RUNNING or WAITING).
     *
     * @throws IllegalStateException when it terminates first (with EMR's reason) or the timeout passes
     */
    public EmrCluster waitUntilReady(String clusterId, Duration timeout, Duration pollInterval, Clock clock,
            Sleeper sleeper) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            EmrCluster cluster = describe(clusterId);
            if (cluster.ready()) {
                return cluster;
            }
            if (cluster.terminated()) {
                throw new IllegalStateException("cluster " + clusterId + " ended " + cluster.state()
                        + (cluster.reason() == null ? "" : ": " + cluster.reason()));
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new IllegalStateException("cluster " + clusterId + " was not ready within " + timeout
                        + " (still " + cluster.state() + ")");
            }
            sleeper.sleep(pollInterval);
        }
    }

    /** Livy on an EMR cluster listens on the master node. */
    public static String livyUrl(String masterDns) {
        return masterDns == null ? null : "http://" + masterDns + ":" + LIVY_PORT;
    }

    /** ListClusters pages read so far (the tracking cost a benchmark reports). */
    public int listPagesRead() {
        return listPages.get();
    }

    private static String reason(ClusterStateChangeReason reason) {
        if (reason == null || (reason.message() == null && reason.codeAsString() == null)) {
            return null;
        }
        String code = reason.codeAsString();
        return reason.message() == null ? code : code == null ? reason.message() : reason.message() + " (" + code + ")";
    }

    /** A create's outcome. */
    public record Created(String clusterId, boolean adopted) {
    }

    /** Waits between polls; tests pass one that advances a clock instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }
}
