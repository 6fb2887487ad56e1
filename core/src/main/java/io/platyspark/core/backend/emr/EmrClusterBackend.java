package io.platyspark.core.backend.emr;

import io.platyspark.aws.emr.ClusterConfigException;
import io.platyspark.aws.emr.ClusterConfigJson;
import io.platyspark.aws.emr.EmrCluster;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Platform-made clusters on EMR. A cycle reads every watched cluster with {@code ListClusters} pages (created since
 * the oldest of them, all states, so deaths are seen with their reason) instead of a {@code DescribeCluster} each;
 * only a cluster that became ready without a known master DNS is described, once.
 */
public class EmrClusterBackend implements ClusterBackend {

    private final EmrClusters emr;
    private final PlatformDefaults defaults;

    public EmrClusterBackend(EmrClusters emr, PlatformDefaults defaults) {
        this.emr = emr;
        this.defaults = defaults;
    }

    @Override
    public String name() {
        return "emr";
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.managed();
    }

    @Override
    public ClusterStatus create(Cluster cluster) {
        EmrClusters.Created created = call("create", () -> {
            try {
                return emr.create(ClusterConfigJson.parse(cluster.config(), cluster.name()), defaults,
                        cluster.id().toString());
            } catch (ClusterConfigException e) {
                throw new BackendRejectedException("the cluster's config is invalid: " + e.getMessage(), e);
            }
        });
        return new ClusterStatus(created.clusterId(), ClusterState.STARTING,
                created.adopted() ? "adopted the cluster an earlier attempt created" : "creating", null, null);
    }

    @Override
    public ClusterStatus describe(Cluster cluster) {
        return status(call("describe", () -> emr.describe(cluster.externalId())));
    }

    @Override
    public Map<UUID, ClusterStatus> describeAll(Collection<Cluster> clusters) {
        Instant oldest = clusters.stream().map(Cluster::createdAt).filter(Objects::nonNull).min(Instant::compareTo)
                .orElse(Instant.now()).minus(Duration.ofHours(1));
        Map<String, EmrCluster> byId = new HashMap<>();
        call("list", () -> emr.list(Set.of(), oldest)).forEach(c -> byId.put(c.id(), c));
        Map<UUID, ClusterStatus> statuses = new HashMap<>();
        for (Cluster cluster : clusters) {
            EmrCluster listed = byId.get(cluster.externalId());
            if (listed == null) {
                continue;
            }
            if (listed.ready() && cluster.masterDns() == null) {
                listed = call("describe", () -> emr.describe(cluster.externalId()));
            }
            statuses.put(cluster.id(), status(listed));
        }
        return statuses;
    }

    @Override
    public void terminate(Cluster cluster) {
        call("terminate", () -> {
            emr.terminate(cluster.externalId());
            return null;
        });
    }

    private static ClusterStatus status(EmrCluster c) {
        ClusterState state;
        try {
            state = ClusterState.valueOf(c.state());
        } catch (IllegalArgumentException | NullPointerException e) {
            state = ClusterState.STARTING;
        }
        return new ClusterStatus(c.id(), state, c.reason(), c.masterDns(), EmrClusters.livyUrl(c.masterDns()));
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            if (e.statusCode() == 400 && !e.isThrottlingException()) {
                throw new BackendRejectedException("EMR refused to " + what + ": " + e.awsErrorDetails().errorMessage(),
                        e);
            }
            throw new BackendUnavailableException("emr", "EMR " + what + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new BackendUnavailableException("emr", "EMR " + what + " failed: " + e.getMessage(), e);
        }
    }
}
