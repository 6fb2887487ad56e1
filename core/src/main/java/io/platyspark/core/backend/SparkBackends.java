package io.platyspark.core.backend;

import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.core.cluster.Cluster;
import java.util.List;

/** Picks the backend adapter that runs apps on a given cluster. */
public final class SparkBackends {

    private final List<SparkBackend> backends;

    public SparkBackends(List<SparkBackend> backends) {
        this.backends = List.copyOf(backends);
    }

    /** Every call through a backend this picks is counted by backend, operation and outcome. */
    public SparkBackends(List<SparkBackend> backends, MeterRegistry meters) {
        this.backends = backends.stream()
                .<SparkBackend>map(b -> new MeteredSparkBackend(b, meters))
                .toList();
    }

    /** Tells every backend that sees its apps change to call {@code listener} when they do. */
    public void onChange(Runnable listener) {
        backends.forEach(b -> b.onChange(listener));
    }

    public SparkBackend forCluster(Cluster cluster) {
        for (SparkBackend backend : backends) {
            if (backend.supports(cluster)) {
                return backend;
            }
        }
        throw new BackendRejectedException(
                "no Spark backend is configured for cluster '" + cluster.name() + "' of kind " + cluster.kind());
    }
}
