package io.platyspark.core.backend.emr;

import io.platyspark.aws.emr.ClusterConfig;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Platform-made clusters on EMR. A cycle reads the live clusters of the account with {@code ListClusters} pages
 * filtered to the active states (so the cost follows the live clusters, not the account's history), and asks
 * {@code DescribeCluster} only for the few it cannot settle from the list: a watched cluster that is no longer
 * listed (it ended, or EMR forgot it: "no such cluster" is an answer, an outage is not), one that became ready
 * without a known master DNS, and a bounded number per cycle of live clusters it has not seen before, to find
 * those tagged with a platform id (orphans of a lost create). Clusters found to be someone else's are remembered
 * while they live, so they are described once.
 */
public class EmrClusterBackend implements ClusterBackend {

    static final int DEFAULT_NEW_CLUSTERS_DESCRIBED_PER_CYCLE = 20;

    private final EmrClusters emr;
    private final PlatformDefaults defaults;
    private final int newClustersDescribedPerCycle;
    private final Set<String> notOurs = ConcurrentHashMap.newKeySet();
    private volatile EmrEventLogs eventLogs;

    public EmrClusterBackend(EmrClusters emr, PlatformDefaults defaults) {
        this(emr, defaults, DEFAULT_NEW_CLUSTERS_DESCRIBED_PER_CYCLE);
    }

    /**
     * @param newClustersDescribedPerCycle how many live clusters not seen before are described per cycle to look
     *                                     for the platform's tags (bounds the cost of an account with many
     *                                     foreign clusters; the rest wait for the next cycles)
     */
    public EmrClusterBackend(EmrClusters emr, PlatformDefaults defaults, int newClustersDescribedPerCycle) {
        this.emr = emr;
        this.defaults = defaults;
        this.newClustersDescribedPerCycle = newClustersDescribedPerCycle;
    }

    /** Clusters created from now on write their Spark event logs to their prefix under these (null: nowhere). */
    public EmrClusterBackend withEventLogs(EmrEventLogs eventLogs) {
        this.eventLogs = eventLogs;
        return this;
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
                ClusterConfig config = ClusterConfigJson.parse(cluster.config(), cluster.name());
                EmrEventLogs events = eventLogs;
                if (events != null) {
                    // The platform's, over any of the config's own: the summary and the History Server read there.
                    config.withClusterConfigurations("spark-defaults", events.sparkDefaults(cluster));
                }
                return emr.create(config, defaults, cluster.id().toString());
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
        return observe(clusters).statuses();
    }

    @Override
    public Observation observe(Collection<Cluster> clusters) {
        Map<String, EmrCluster> live = new LinkedHashMap<>();
        call("list", emr::listActive).forEach(c -> live.put(c.id(), c));
        Map<UUID, ClusterStatus> statuses = new HashMap<>();
        Set<String> watched = new HashSet<>();
        for (Cluster cluster : clusters) {
            watched.add(cluster.externalId());
            EmrCluster listed = live.get(cluster.externalId());
            if (listed == null) {
                // Ended since the last cycle, or EMR no longer knows it (it forgets, moto restarts): ask.
                statuses.put(cluster.id(), call("describe", () -> emr.find(cluster.externalId()))
                        .map(EmrClusterBackend::status)
                        .orElseGet(() -> new ClusterStatus(cluster.externalId(), ClusterState.TERMINATED,
                                "EMR no longer knows cluster " + cluster.externalId(), null, null)));
                continue;
            }
            if (listed.ready() && cluster.masterDns() == null) {
                listed = call("describe", () -> emr.describe(cluster.externalId()));
            }
            statuses.put(cluster.id(), status(listed));
        }
        notOurs.retainAll(live.keySet());
        List<Untracked> untracked = new ArrayList<>();
        int budget = newClustersDescribedPerCycle;
        String platform = defaults.tags().get("platform");
        for (EmrCluster candidate : live.values()) {
            if (watched.contains(candidate.id()) || notOurs.contains(candidate.id())) {
                continue;
            }
            if (budget-- <= 0) {
                break;
            }
            EmrCluster described = call("describe", () -> emr.find(candidate.id())).orElse(null);
            if (described == null) {
                continue; // gone since the list
            }
            String platformId = described.tags().get(ClusterConfig.PLATFORM_ID_TAG);
            if (platformId != null && Objects.equals(platform, described.tags().get("platform"))) {
                untracked.add(new Untracked(described.id(), described.name(), platformId));
            } else {
                notOurs.add(candidate.id());
            }
        }
        return new Observation(statuses, untracked);
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
