package io.platyspark.core.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates recorded clusters at their provider. Clusters are leased with {@code FOR UPDATE SKIP LOCKED}, so of many
 * server replicas one calls the provider per cluster; a crash between the provider's accept and the store's write
 * is safe because the backend adopts the cluster it tagged with the platform's id instead of creating a second.
 */
public class ClusterProvisioner {

    private static final Logger log = LoggerFactory.getLogger(ClusterProvisioner.class);

    private final ClusterStore clusters;
    private final ClusterBackends backends;
    private final Duration lease;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final MeterRegistry meters;
    private final String owner = "provisioner-" + UUID.randomUUID();
    private final Clock clock;
    private final Duration giveUpAfter;

    /**
     * @param lease          how long a claim holds before another worker may take the cluster over
     * @param initialBackoff the wait after a failed create; it doubles with each further failure up to
     *                       {@code maxBackoff}
     */
    public ClusterProvisioner(
            ClusterStore clusters,
            ClusterBackends backends,
            Duration lease,
            Duration initialBackoff,
            Duration maxBackoff,
            MeterRegistry meters) {
        this(clusters, backends, lease, initialBackoff, maxBackoff, meters, Clock.systemUTC(), null);
    }

    /**
     * @param giveUpAfter how long a cluster's creation may be held up by provider outages, counted from when it
     *                    was requested: the apps' pending timeout, so clusters and apps follow one rule (an
     *                    outage is waited out, that long at most; a refusal ends it at once). Null: no limit.
     */
    public ClusterProvisioner(
            ClusterStore clusters,
            ClusterBackends backends,
            Duration lease,
            Duration initialBackoff,
            Duration maxBackoff,
            MeterRegistry meters,
            Clock clock,
            Duration giveUpAfter) {
        this.clock = clock;
        this.giveUpAfter = giveUpAfter;
        this.clusters = clusters;
        this.backends = backends;
        this.lease = lease;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.meters = meters;
    }

    /** Creates what is due; returns how many clusters it claimed. */
    public int runOnce() {
        List<Cluster> claimed = clusters.claimForProvisioning(owner, lease, 5);
        for (Cluster cluster : claimed) {
            provision(cluster);
        }
        return claimed.size();
    }

    private void provision(Cluster cluster) {
        ClusterBackend backend;
        ClusterBackend.ClusterStatus status;
        try {
            backend = backends.forCluster(cluster);
            status = backend.create(cluster);
        } catch (BackendUnavailableException e) {
            if (giveUpAfter != null
                    && cluster.createdAt() != null
                    && !clock.instant().isBefore(cluster.createdAt().plus(giveUpAfter))) {
                count("any", "gave-up");
                log.warn(
                        "cluster '{}' not created within {}: {}; giving up",
                        cluster.name(),
                        giveUpAfter,
                        e.getMessage());
                clusters.recordProvisioned(
                        cluster.id(),
                        owner,
                        null,
                        ClusterState.TERMINATED_WITH_ERRORS,
                        "not created within "
                                + giveUpAfter.toString().substring(2).toLowerCase()
                                + " (its provider could not be reached); last: " + e.getMessage());
                return;
            }
            count("any", "error");
            log.warn("cluster '{}' not created yet: {}; will retry", cluster.name(), e.getMessage());
            clusters.releaseProvisioning(
                    cluster.id(), owner, "create attempt failed: " + e.getMessage(), initialBackoff, maxBackoff);
            return;
        } catch (BackendRejectedException e) {
            count("any", "rejected");
            log.warn("cluster '{}' was refused by its provider: {}", cluster.name(), e.getMessage());
            clusters.recordProvisioned(
                    cluster.id(),
                    owner,
                    null,
                    ClusterState.TERMINATED_WITH_ERRORS,
                    "the provider refused to create it: " + e.getMessage());
            return;
        }
        var recorded =
                clusters.recordProvisioned(cluster.id(), owner, status.externalId(), status.state(), status.reason());
        if (recorded.isEmpty()) {
            // Terminated (or taken over) while we were creating it: what we made must not run on unseen.
            log.info(
                    "cluster '{}' was terminated during its creation; stopping {}",
                    cluster.name(),
                    status.externalId());
            try {
                backend.terminate(withExternalId(cluster, status.externalId()));
            } catch (RuntimeException e) {
                log.warn(
                        "could not stop {} of terminated cluster '{}': {}",
                        status.externalId(),
                        cluster.name(),
                        e.getMessage());
            }
            return;
        }
        count(backend.name(), "created");
        log.atInfo()
                .addKeyValue("cluster", cluster.name())
                .addKeyValue("externalId", status.externalId())
                .addKeyValue("state", status.state())
                .log("cluster created at its provider");
    }

    private void count(String backend, String outcome) {
        meters.counter("platy.clusters.provisioned", "backend", backend, "outcome", outcome)
                .increment();
    }

    private static Cluster withExternalId(Cluster c, String externalId) {
        return new Cluster(
                c.id(),
                c.name(),
                c.kind(),
                c.team(),
                c.config(),
                externalId,
                c.masterDns(),
                c.livyUrl(),
                c.state(),
                c.stateReason(),
                c.createdAt(),
                c.updatedAt(),
                c.terminatedAt(),
                c.idleTimeout());
    }
}
