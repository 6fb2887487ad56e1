package io.platyspark.core.env;

import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.cluster.Cluster;
import java.util.Optional;

/** What a cluster's nodes run Python apps with, as its provider says ({@link PythonTarget}). */
@FunctionalInterface
public interface PythonTargets {

    /**
     * The target of {@code cluster}'s nodes, empty while unknown.
     *
     * @throws BackendRejectedException when the cluster's nodes are ones no environment can be built for
     */
    Optional<PythonTarget> of(Cluster cluster);

    /** Nothing is known of any cluster: environments are built for the platform's defaults. */
    static PythonTargets unknown() {
        return cluster -> Optional.empty();
    }

    /** Each cluster's provider answers for it; a cluster no provider takes has no known target. */
    static PythonTargets from(ClusterBackends backends) {
        return cluster -> backends.all().stream()
                .filter(b -> b.supports(cluster))
                .findFirst()
                .flatMap(b -> b.pythonTarget(cluster));
    }
}
