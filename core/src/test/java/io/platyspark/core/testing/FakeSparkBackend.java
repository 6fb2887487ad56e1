package io.platyspark.core.testing;

import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.cluster.Cluster;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scriptable {@link SparkBackend} for unit tests of the worker and reconciler: the test says what submit does and
 * what each app's status is, and reads back what was called.
 */
public final class FakeSparkBackend implements SparkBackend {

    private final Map<UUID, BackendAppStatus> statuses = new ConcurrentHashMap<>();
    private final List<UUID> submitted = new CopyOnWriteArrayList<>();
    private final List<UUID> killed = new CopyOnWriteArrayList<>();
    private final AtomicInteger statusCalls = new AtomicInteger();
    private final AtomicInteger nextId = new AtomicInteger();
    private volatile Function<SparkApp, BackendSubmission> onSubmit =
            app -> new BackendSubmission("run-" + nextId.incrementAndGet(), null, null, false);
    private volatile RuntimeException statusFailure;
    private volatile RuntimeException killFailure;

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public boolean supports(Cluster cluster) {
        return true;
    }

    /** Replaces what submit does: return a submission or throw. */
    public void onSubmit(Function<SparkApp, BackendSubmission> behaviour) {
        this.onSubmit = behaviour;
    }

    public void setStatus(UUID appId, BackendAppStatus status) {
        statuses.put(appId, status);
    }

    public void forget(UUID appId) {
        statuses.remove(appId);
    }

    /** Makes status calls throw this until cleared with null. */
    /** Makes every kill throw {@code failure} (null: kills work again). */
    public void failKill(RuntimeException failure) {
        this.killFailure = failure;
    }

    public void failStatus(RuntimeException failure) {
        this.statusFailure = failure;
    }

    public List<UUID> submitted() {
        return List.copyOf(submitted);
    }

    public List<UUID> killed() {
        return List.copyOf(killed);
    }

    public int statusCalls() {
        return statusCalls.get();
    }

    @Override
    public BackendSubmission submit(Cluster cluster, SparkApp app) {
        BackendSubmission submission = onSubmit.apply(app);
        submitted.add(app.id());
        return submission;
    }

    @Override
    public Map<UUID, BackendAppStatus> status(Cluster cluster, Collection<SparkApp> apps) {
        statusCalls.incrementAndGet();
        RuntimeException failure = statusFailure;
        if (failure != null) {
            throw failure;
        }
        Map<UUID, BackendAppStatus> result = new HashMap<>();
        apps.forEach(app -> {
            BackendAppStatus status = statuses.get(app.id());
            if (status != null) {
                result.put(app.id(), status);
            }
        });
        return result;
    }

    @Override
    public LogPage logs(Cluster cluster, SparkApp app, int from, int size) {
        return LogPage.empty(from);
    }

    @Override
    public void kill(Cluster cluster, SparkApp app) {
        if (killFailure != null) {
            throw killFailure;
        }
        killed.add(app.id());
    }
}
