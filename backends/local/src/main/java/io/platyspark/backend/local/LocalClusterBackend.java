package io.platyspark.backend.local;

import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.backend.TargetPlatform;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.cluster.NewCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One always-ready cluster named {@value #CLUSTER_NAME}: the server's own machine. */
public class LocalClusterBackend implements ClusterBackend {

    public static final String CLUSTER_NAME = "local";

    private static final Logger log = LoggerFactory.getLogger(LocalClusterBackend.class);

    private final ClusterStore clusters;
    private final String python;
    private volatile Optional<PythonTarget> target;

    public LocalClusterBackend(ClusterStore clusters) {
        this(clusters, "python3");
    }

    /** @param python the Python that runs the local PySpark drivers and workers ({@code platy.local.python}) */
    public LocalClusterBackend(ClusterStore clusters, String python) {
        this.clusters = clusters;
        this.python = python;
    }

    /**
     * The machine itself: its CPU, and the version and installation prefix of the Python local apps run with (its
     * base installation when it is a virtualenv: an environment links to an interpreter, not to another venv).
     */
    @Override
    public Optional<PythonTarget> pythonTarget(Cluster cluster) {
        Optional<PythonTarget> known = target;
        if (known == null) {
            known = askPython();
            target = known;
        }
        return known;
    }

    private Optional<PythonTarget> askPython() {
        try {
            Process p = new ProcessBuilder(List.of(
                            python, "-c", "import sys; print(sys.base_prefix); print('%d.%d' % sys.version_info[:2])"))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                log.warn("cannot ask {} for its version and prefix: {}", python, out.strip());
                return Optional.empty();
            }
            List<String> lines = out.strip().lines().toList();
            return Optional.of(new PythonTarget(TargetPlatform.current(), lines.get(1), lines.get(0)));
        } catch (IOException | RuntimeException e) {
            log.warn("cannot ask {} for its version and prefix: {}", python, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Records the local cluster when it is not recorded yet. */
    public Cluster ensureLocalCluster() {
        return clusters.getOrCreate(
                        new NewCluster(CLUSTER_NAME, ClusterKind.LOCAL, null, null, null, ClusterState.WAITING))
                .cluster();
    }

    @Override
    public String name() {
        return LocalSparkBackend.NAME;
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.kind() == ClusterKind.LOCAL;
    }

    @Override
    public ClusterStatus create(Cluster cluster) {
        return describe(cluster);
    }

    @Override
    public ClusterStatus describe(Cluster cluster) {
        return new ClusterStatus(null, ClusterState.WAITING, "Spark in local mode on the server's machine", null, null);
    }

    @Override
    public void terminate(Cluster cluster) {
        throw new BackendRejectedException("the local cluster cannot be terminated: it lives as long as the server");
    }
}
