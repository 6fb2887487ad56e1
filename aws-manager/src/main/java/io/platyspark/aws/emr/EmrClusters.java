package io.platyspark.aws.emr;

import io.platyspark.aws.SingleAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.Cluster;
import software.amazon.awssdk.services.emr.model.ClusterState;
import software.amazon.awssdk.services.emr.model.ClusterStateChangeReason;
import software.amazon.awssdk.services.emr.model.ClusterSummary;
import software.amazon.awssdk.services.emr.model.DescribeClusterResponse;
import software.amazon.awssdk.services.emr.model.EmrException;
import software.amazon.awssdk.services.emr.model.InvalidRequestException;
import software.amazon.awssdk.services.emr.model.ListClustersRequest;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;
import software.amazon.awssdk.services.emr.model.Tag;

/**
 * EMR operations the platform needs, each with the fewest API calls: create (adopting a cluster an earlier,
 * lost call created), describe, list by state page by page, terminate, wait until ready.
 */
public final class EmrClusters {

    public static final int LIVY_PORT = 8998;
    /** The states a cluster is alive in (and may still be terminated from). */
    public static final List<String> ACTIVE_STATES =
            List.of("STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING");

    private static final List<ClusterState> ACTIVE =
            ACTIVE_STATES.stream().map(ClusterState::fromValue).toList();

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
        RunJobFlowRequest request = config.toRunJobFlowRequest(defaults, platformId);
        Optional<String> earlier = findTagged(config.name(), platformId);
        if (earlier.isPresent()) {
            return new Created(earlier.get(), true);
        }
        // No SDK retries: a lost answer repeated by the SDK would make a second cluster that nothing tracks. The
        // caller's next attempt comes back through the look-up above and adopts the first one instead.
        return new Created(
                emr.runJobFlow(request.toBuilder()
                                .overrideConfiguration(SingleAttempt::apply)
                                .build())
                        .jobFlowId(),
                false);
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
        return convert(emr.describeCluster(r -> r.clusterId(clusterId)).cluster());
    }

    /**
     * The cluster, or empty when EMR says there is no such cluster (it forgets clusters about two months after
     * they end). An outage or throttling is an exception, never an empty answer.
     */
    public Optional<EmrCluster> find(String clusterId) {
        try {
            return Optional.of(describe(clusterId));
        } catch (InvalidRequestException e) {
            return Optional.empty();
        } catch (EmrException e) {
            if (e.statusCode() == 400
                    && e.awsErrorDetails() != null
                    && "InvalidRequestException".equals(e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static EmrCluster convert(Cluster c) {
        return new EmrCluster(
                c.id(),
                c.name(),
                c.status().stateAsString(),
                reason(c.status().stateChangeReason()),
                c.masterPublicDnsName(),
                c.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b)),
                c.status().timeline() == null ? null : c.status().timeline().creationDateTime());
    }

    /** Clusters alive now ({@link #ACTIVE_STATES}), one {@code ListClusters} call per page of 50. */
    public List<EmrCluster> listActive() {
        return list(ACTIVE_STATES, null);
    }

    /**
     * Clusters in the given states (all states when empty) created after {@code createdAfter} (any time when
     * null), one {@code ListClusters} call per page of 50. Master DNS is not part of a listing.
     */
    public List<EmrCluster> list(Collection<String> states, Instant createdAfter) {
        List<ClusterState> filter = states.stream().map(ClusterState::fromValue).toList();
        return listSummaries(filter, createdAfter).stream()
                .map(s -> new EmrCluster(
                        s.id(),
                        s.name(),
                        s.status().stateAsString(),
                        reason(s.status().stateChangeReason()),
                        null,
                        Map.of(),
                        s.status().timeline() == null
                                ? null
                                : s.status().timeline().creationDateTime()))
                .toList();
    }

    private List<ClusterSummary> listSummaries(Collection<ClusterState> states, Instant createdAfter) {
        ListClustersRequest.Builder request = ListClustersRequest.builder();
        if (!states.isEmpty()) {
            request.clusterStates(states);
        }
        if (createdAfter != null) {
            request.createdAfter(createdAfter);
        }
        return emr.listClustersPaginator(request.build()).stream()
                .peek(page -> listPages.incrementAndGet())
                .flatMap(page -> page.clusters().stream())
                .toList();
    }

    public void terminate(String clusterId) {
        emr.terminateJobFlows(r -> r.jobFlowIds(clusterId));
    }

    /**
     * Waits until the cluster is ready (RUNNING or WAITING), with the SDK's {@code EmrWaiter}.
     *
     * @throws IllegalStateException when it terminates first (with EMR's reason) or the timeout passes
     */
    public EmrCluster waitUntilReady(String clusterId, Duration timeout, Duration pollInterval) {
        WaiterResponse<DescribeClusterResponse> response;
        try {
            response = emr.waiter()
                    .waitUntilClusterRunning(
                            r -> r.clusterId(clusterId),
                            w -> w.waitTimeout(timeout).backoffStrategyV2(BackoffStrategy.fixedDelay(pollInterval)));
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            // The waiter gives up on a terminal state or the timeout; say which, with EMR's reason.
            EmrCluster cluster = describe(clusterId);
            throw new IllegalStateException(
                    "cluster " + clusterId
                            + (cluster.terminated() ? " ended " : " was not " + "ready within " + timeout + " (still ")
                            + cluster.state()
                            + (cluster.terminated() ? (cluster.reason() == null ? "" : ": " + cluster.reason()) : ")"),
                    e);
        }
        return response.matched().response().map(r -> convert(r.cluster())).orElseGet(() -> describe(clusterId));
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
    public record Created(String clusterId, boolean adopted) {}
}
