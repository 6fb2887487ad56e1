package io.platyspark.core.backend;

import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.cluster.Cluster;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/** Counts every call to a {@link SparkBackend} by operation and outcome ({@code platy.backend.calls}). */
public final class MeteredSparkBackend implements SparkBackend {

    private final SparkBackend delegate;
    private final MeterRegistry meters;

    public MeteredSparkBackend(SparkBackend delegate, MeterRegistry meters) {
        this.delegate = delegate;
        this.meters = meters;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public boolean supports(Cluster cluster) {
        return delegate.supports(cluster);
    }

    @Override
    public BackendSubmission submit(Cluster cluster, SparkApp app) {
        return metered("submit", () -> delegate.submit(cluster, app));
    }

    @Override
    public Map<UUID, BackendAppStatus> status(Cluster cluster, Collection<SparkApp> apps) {
        return metered("status", () -> delegate.status(cluster, apps));
    }

    @Override
    public StatusReader statusReader(Cluster cluster) {
        StatusReader reader = delegate.statusReader(cluster);
        return apps -> metered("status", () -> reader.status(apps));
    }

    @Override
    public LogPage logs(Cluster cluster, SparkApp app, int from, int size) {
        return metered("logs", () -> delegate.logs(cluster, app, from, size));
    }

    @Override
    public void kill(Cluster cluster, SparkApp app) {
        metered("kill", () -> {
            delegate.kill(cluster, app);
            return null;
        });
    }

    @Override
    public void onChange(Runnable listener) {
        delegate.onChange(listener);
    }

    private <T> T metered(String operation, Supplier<T> call) {
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "success";
            return result;
        } finally {
            meters.counter(
                            "platy.backend.calls",
                            "backend",
                            delegate.name(),
                            "operation",
                            operation,
                            "outcome",
                            outcome)
                    .increment();
        }
    }
}
