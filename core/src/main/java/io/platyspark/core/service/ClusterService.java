package io.platyspark.core.service;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterNameTakenException;
import io.platyspark.core.cluster.ClusterNotFoundException;
import io.platyspark.core.cluster.ClusterNotTerminableException;
import io.platyspark.core.cluster.ClusterQuota;
import io.platyspark.core.cluster.ClusterRequest;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.security.Caller;
import io.platyspark.core.security.ForbiddenException;
import io.platyspark.core.security.SourcePolicy;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API does with clusters: list, get, get-or-create (from a config, a preset or an existing Livy URL) and
 * terminate. Creation only records the cluster; the provisioner calls the provider, so no request waits on AWS.
 */
public class ClusterService {

    private static final Logger log = LoggerFactory.getLogger(ClusterService.class);

    private final ClusterStore clusters;
    private final ClusterBackends backends;
    private final ClusterConfigs configs;
    private final SourcePolicy sources;
    private final Runnable newClusterListener;
    private final ClusterQuota quota;

    public ClusterService(
            ClusterStore clusters,
            ClusterBackends backends,
            ClusterConfigs configs,
            SourcePolicy sources,
            Runnable newClusterListener) {
        this(clusters, backends, configs, sources, newClusterListener, ClusterQuota.NONE);
    }

    /**
     * With {@code quota}, a team at its cluster quota (count or capacity) is refused a new dedicated or dev cluster
     * (403), checked by the store as it records the cluster.
     */
    public ClusterService(
            ClusterStore clusters,
            ClusterBackends backends,
            ClusterConfigs configs,
            SourcePolicy sources,
            Runnable newClusterListener,
            ClusterQuota quota) {
        this.quota = quota;
        this.clusters = clusters;
        this.backends = backends;
        this.configs = configs;
        this.sources = sources;
        this.newClusterListener = newClusterListener;
    }

    /** The active clusters the caller may use: its team's, and those of no team (shared, local). */
    public List<Cluster> listActive(Caller caller) {
        return clusters.findActive().stream().filter(c -> visible(caller, c)).toList();
    }

    /** The active cluster of that name, else the one that ended last, with its reason (until retention). */
    public Cluster get(Caller caller, String name) {
        return clusters.findLatest(name)
                .filter(c -> visible(caller, c))
                .orElseThrow(() -> new ClusterNotFoundException(name));
    }

    /** The clusters in these states the caller may see; ended ones stay until the cleaner's retention. */
    public List<Cluster> list(Caller caller, java.util.Set<ClusterState> states) {
        return clusters.findInStates(states).stream()
                .filter(c -> visible(caller, c))
                .toList();
    }

    /**
     * Returns the active cluster by that name, recording a new one when there is none. Of many concurrent callers
     * exactly one records it (and so exactly one provider call creates it).
     *
     * @throws ForbiddenException         for a shared cluster asked by a non-admin, or another team's cluster
     * @throws ClusterNameTakenException  when the name is used by a cluster of another team or kind
     * @throws InvalidFieldException      for a bad config or a Livy URL outside the allow-list
     */
    public ClusterStore.GetOrCreate getOrCreate(Caller caller, ClusterRequest request) {
        if (request.kind() == ClusterKind.LOCAL) {
            throw new InvalidFieldException("kind", "the local cluster is built in; choose DEDICATED, SHARED or DEV");
        }
        String team = teamFor(caller, request);
        var existing = clusters.findActive(request.name());
        if (existing.isPresent()) {
            return new ClusterStore.GetOrCreate(checkSame(caller, existing.get(), request.kind(), team), false);
        }
        NewCluster cluster;
        boolean jobRunKind = request.kind() == ClusterKind.EKS || request.kind() == ClusterKind.SERVERLESS;
        if ((request.livyUrl() != null || request.sparkMasterUrl() != null) && jobRunKind) {
            throw new InvalidFieldException(
                    request.livyUrl() != null ? "livyUrl" : "sparkMasterUrl",
                    "a "
                            + request.kind()
                            + " cluster runs no Livy or Spark master; register it by its id in the config "
                            + "(virtualClusterId or applicationId) instead");
        }
        if (request.sparkMasterUrl() != null) {
            cluster = sparkMaster(request, team);
        } else if (request.livyUrl() != null) {
            if (request.config() != null) {
                throw new InvalidFieldException(
                        "livyUrl",
                        "give either a config (the platform creates the cluster) "
                                + "or a livyUrl (an existing cluster is registered), not both");
            }
            String url = sources.checkLivyUrl("livyUrl", request.livyUrl()).toString();
            cluster = new NewCluster(request.name(), request.kind(), team, null, url, ClusterState.WAITING);
        } else {
            ClusterConfigs.ValidConfig config = request.config() != null
                    ? configs.validate(request.kind(), "config", request.config(), request.name(), team)
                    : configs.preset(request.kind(), request.name(), team)
                            .orElseThrow(() -> new InvalidFieldException(
                                    "config",
                                    "a " + request.kind() + " cluster needs a config (a ClusterConfig JSON object) "
                                            + "or a livyUrl to register an existing cluster"));
            cluster = new NewCluster(
                    request.name(),
                    request.kind(),
                    team,
                    config.json(),
                    null,
                    ClusterState.STARTING,
                    config.idleTimeout(),
                    null,
                    null,
                    config.capacityUnits());
        }
        // Only the dedicated and dev clusters the platform creates count against the team's quota (a registered
        // one costs the platform nothing); the store checks it under the team's lock as it inserts.
        boolean counted = cluster.config() != null
                && (request.kind() == ClusterKind.DEDICATED || request.kind() == ClusterKind.DEV);
        ClusterStore.GetOrCreate result = clusters.getOrCreate(cluster, counted ? quota : ClusterQuota.NONE);
        if (!result.created()) {
            return new ClusterStore.GetOrCreate(checkSame(caller, result.cluster(), request.kind(), team), false);
        }
        log.atInfo()
                .addKeyValue("cluster", request.name())
                .addKeyValue("kind", request.kind())
                .addKeyValue("team", team)
                .addKeyValue("registered", request.livyUrl() != null)
                .log("cluster recorded");
        newClusterListener.run();
        return result;
    }

    /**
     * Stops a cluster: a platform-created one is terminated at its provider, a registered one is forgotten.
     * Active apps on it fail with the cluster's reason once the watchdog sees it gone.
     */
    public Cluster terminate(Caller caller, String name) {
        return terminate(caller, name, "terminated on request of " + caller.subject());
    }

    /** Like {@link #terminate(Caller, String)}, recording {@code reason} as the cluster's state reason. */
    public Cluster terminate(Caller caller, String name, String reason) {
        Cluster cluster = get(caller, name);
        if (cluster.state().isTerminated()) {
            // Only an active cluster is terminated: the one that ended stays as it ended, reason and all.
            throw new ClusterNotFoundException(
                    name,
                    "no active cluster named '" + name + "': the last one is " + cluster.state()
                            + (cluster.stateReason() == null ? "" : " (" + cluster.stateReason() + ")"));
        }
        if (cluster.kind() == ClusterKind.LOCAL) {
            throw new ClusterNotTerminableException(
                    "the local cluster lives as long as the server and cannot be " + "terminated");
        }
        if (cluster.team() == null && !caller.admin()) {
            throw new ForbiddenException("name", "only admins terminate shared clusters");
        }
        if (cluster.registered() || cluster.externalId() == null) {
            // Nothing runs at a provider (registered, or not created yet: the provisioner sees the change and
            // terminates what it may have just created).
            return clusters.transition(cluster.id(), cluster.state(), ClusterState.TERMINATED, reason, null, null, null)
                    .orElseGet(() -> get(caller, name));
        }
        Cluster terminating = cluster.state() == ClusterState.TERMINATING
                ? cluster
                : clusters.transition(cluster.id(), cluster.state(), ClusterState.TERMINATING, reason, null, null, null)
                        .orElseThrow(() -> new BackendUnavailableException(
                                "cluster", "cluster '" + name + "' changed state meanwhile; try again", null));
        try {
            backends.forCluster(terminating).terminate(terminating);
        } catch (BackendUnavailableException e) {
            // Recorded as TERMINATING: the watchdog asks the provider again until it is gone.
            log.warn("terminate of cluster '{}' not confirmed by its provider yet: {}", name, e.getMessage());
        }
        return terminating;
    }

    /** An existing Spark standalone master, allowed like a Livy URL, submitted to and tracked by its web UI. */
    private NewCluster sparkMaster(ClusterRequest request, String team) {
        if (request.config() != null || request.livyUrl() != null) {
            throw new InvalidFieldException(
                    "sparkMasterUrl",
                    "give one of config (the platform creates the "
                            + "cluster), livyUrl or sparkMasterUrl (an existing cluster is registered)");
        }
        java.net.URI master = sources.checkSparkMasterUrl("sparkMasterUrl", request.sparkMasterUrl());
        String webUi = request.sparkMasterWebUiUrl() != null
                ? sources.checkLivyUrl("sparkMasterWebUiUrl", request.sparkMasterWebUiUrl())
                        .toString()
                : "http://" + master.getHost() + ":8080";
        return new NewCluster(
                request.name(), request.kind(), team, null, null, ClusterState.WAITING, null, master.toString(), webUi);
    }

    private static String teamFor(Caller caller, ClusterRequest request) {
        if (request.kind() == ClusterKind.SHARED) {
            if (!caller.admin()) {
                throw new ForbiddenException(
                        "kind",
                        "only admins create shared clusters; use kind DEDICATED or DEV "
                                + "for your team, or run on the existing shared cluster");
            }
            return null;
        }
        String team = request.team() != null ? request.team() : caller.team();
        if (team == null) {
            throw new InvalidFieldException("team", "is required: the team that owns the cluster");
        }
        if (!caller.mayAccess(team)) {
            throw new ForbiddenException(
                    "team",
                    "you act for team '" + caller.team() + "' and cannot create " + "clusters for team '" + team + "'");
        }
        return team;
    }

    private Cluster checkSame(Caller caller, Cluster existing, ClusterKind kind, String team) {
        if (!visible(caller, existing) || !Objects.equals(existing.team(), team)) {
            throw new ClusterNameTakenException(existing.name(), "it belongs to another team");
        }
        if (existing.kind() != kind) {
            throw new ClusterNameTakenException(existing.name(), "it is a " + existing.kind() + " cluster");
        }
        return existing;
    }

    private static boolean visible(Caller caller, Cluster cluster) {
        return cluster.team() == null || caller.mayAccess(cluster.team());
    }
}
