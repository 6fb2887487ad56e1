package io.platyspark.core.testing;

import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster provider driven by the test: it "creates" managed clusters with ids {@code j-FAKE<n>}, reports what
 * the test sets, counts calls, and can be made unreachable.
 */
public final class FakeClusterBackend implements ClusterBackend {

    private final Map<String, ClusterStatus> byExternalId = new ConcurrentHashMap<>();
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final List<String> terminated = new CopyOnWriteArrayList<>();
    private final AtomicInteger describeAllCalls = new AtomicInteger();
    private final AtomicInteger nextId = new AtomicInteger();
    private volatile RuntimeException failure;
    private volatile java.util.function.Consumer<Cluster> onTerminate = c -> {};

    @Override
    public String name() {
        return "fake-emr";
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.managed();
    }

    @Override
    public ClusterStatus create(Cluster cluster) {
        failIfAsked();
        String id = "j-FAKE" + nextId.incrementAndGet();
        created.add(cluster.name());
        ClusterStatus status = new ClusterStatus(id, ClusterState.STARTING, "Provisioning", null, null);
        byExternalId.put(id, status);
        return status;
    }

    @Override
    public ClusterStatus describe(Cluster cluster) {
        failIfAsked();
        return byExternalId.get(cluster.externalId());
    }

    @Override
    public Map<UUID, ClusterStatus> describeAll(Collection<Cluster> clusters) {
        describeAllCalls.incrementAndGet();
        failIfAsked();
        Map<UUID, ClusterStatus> answer = new HashMap<>();
        for (Cluster cluster : clusters) {
            ClusterStatus status = byExternalId.get(String.valueOf(cluster.externalId()));
            if (status != null) {
                answer.put(cluster.id(), status);
            }
        }
        return answer;
    }

    @Override
    public void terminate(Cluster cluster) {
        failIfAsked();
        onTerminate.accept(cluster);
        terminated.add(cluster.externalId());
        byExternalId.computeIfPresent(
                cluster.externalId(),
                (id, s) -> new ClusterStatus(id, ClusterState.TERMINATING, "User request", s.masterDns(), s.livyUrl()));
    }

    /** Sets what the provider reports for a cluster. */
    public void report(String externalId, ClusterState state, String reason, String masterDns) {
        byExternalId.put(
                externalId,
                new ClusterStatus(
                        externalId,
                        state,
                        reason,
                        masterDns,
                        masterDns == null ? null : "http://" + masterDns + ":8998"));
    }

    /** Runs {@code action} inside every terminate call (to let something happen meanwhile). */
    public void onTerminate(java.util.function.Consumer<Cluster> action) {
        this.onTerminate = action;
    }

    public void fail(RuntimeException failure) {
        this.failure = failure;
    }

    public List<String> created() {
        return created;
    }

    public List<String> terminated() {
        return terminated;
    }

    public int describeAllCalls() {
        return describeAllCalls.get();
    }

    private void failIfAsked() {
        RuntimeException f = failure;
        if (f != null) {
            throw f instanceof BackendUnavailableException ? f : new IllegalStateException(f);
        }
    }
}
