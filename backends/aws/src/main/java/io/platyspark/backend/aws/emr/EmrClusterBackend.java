package io.platyspark.backend.aws.emr;

import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.ClusterConfigException;
import io.platyspark.aws.emr.ClusterConfigJson;
import io.platyspark.aws.emr.EmrCluster;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.backend.TargetPlatform;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.env.BootstrapScripts;
import io.platyspark.core.env.EnvSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    private static final Set<ClusterKind> EMR_KINDS =
            java.util.EnumSet.of(ClusterKind.SHARED, ClusterKind.DEDICATED, ClusterKind.DEV);

    private final EmrClusters emr;
    private final PlatformDefaults defaults;
    private final int newClustersDescribedPerCycle;
    private final Set<String> notOurs = ConcurrentHashMap.newKeySet();
    private final EmrPythonProperties python;
    private final ArtifactStore artifacts;
    private volatile EmrEventLogs eventLogs;

    public EmrClusterBackend(EmrClusters emr, PlatformDefaults defaults) {
        this(emr, defaults, DEFAULT_NEW_CLUSTERS_DESCRIBED_PER_CYCLE);
    }

    /**
     * @param python    the nodes' Python by release label, which environments are built for
     * @param artifacts where the bootstrap scripts of configs with {@code pythonRequirements} are written (null:
     *                  such configs are refused)
     */
    public EmrClusterBackend(
            EmrClusters emr, PlatformDefaults defaults, EmrPythonProperties python, ArtifactStore artifacts) {
        this(emr, defaults, DEFAULT_NEW_CLUSTERS_DESCRIBED_PER_CYCLE, python, artifacts);
    }

    /**
     * @param newClustersDescribedPerCycle how many live clusters not seen before are described per cycle to look
     *                                     for the platform's tags (bounds the cost of an account with many
     *                                     foreign clusters; the rest wait for the next cycles)
     */
    public EmrClusterBackend(EmrClusters emr, PlatformDefaults defaults, int newClustersDescribedPerCycle) {
        this(emr, defaults, newClustersDescribedPerCycle, EmrPythonProperties.defaults(), null);
    }

    private EmrClusterBackend(
            EmrClusters emr,
            PlatformDefaults defaults,
            int newClustersDescribedPerCycle,
            EmrPythonProperties python,
            ArtifactStore artifacts) {
        this.python = python;
        this.artifacts = artifacts;
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
        // EMR on EKS and Serverless clusters have configs too, but another provider makes them.
        return cluster.managed() && EMR_KINDS.contains(cluster.kind());
    }

    @Override
    public ClusterStatus create(Cluster cluster) {
        ClusterConfig config;
        try {
            config = ClusterConfigJson.parse(cluster.config(), cluster.name());
        } catch (ClusterConfigException e) {
            throw new BackendRejectedException("the cluster's config is invalid: " + e.getMessage(), e);
        }
        if (!config.pythonRequirements().isEmpty()) {
            config.withBootstrapAction(
                    PYTHON_REQUIREMENTS_ACTION,
                    requirementsScript(cluster, config).toString());
        }
        EmrEventLogs events = eventLogs;
        if (events != null) {
            // The platform's, over any of the config's own: the summary and the History Server read there.
            config.withClusterConfigurations("spark-defaults", events.sparkDefaults(cluster));
        }
        ClusterConfig toCreate = config;
        EmrClusters.Created created =
                call("create", () -> emr.create(toCreate, defaults, cluster.id().toString()));
        return new ClusterStatus(
                created.clusterId(),
                ClusterState.STARTING,
                created.adopted() ? "adopted the cluster an earlier attempt created" : "creating",
                null,
                null);
    }

    /** The name of the bootstrap action that installs a config's {@code pythonRequirements}. */
    public static final String PYTHON_REQUIREMENTS_ACTION = "platy-python-requirements";

    /**
     * The script that installs the config's Python requirements with the nodes' own interpreter, in the artifact
     * bucket under a key made of its content: a create repeated after a crash writes nothing new and points at the
     * same script.
     */
    private java.net.URI requirementsScript(Cluster cluster, ClusterConfig config) {
        if (artifacts == null || !artifacts.reachableByClusters()) {
            throw new BackendRejectedException("the cluster's config has pythonRequirements, which the platform "
                    + "installs with a bootstrap script in its artifact bucket, and none is set "
                    + "(platy.aws.artifact-bucket)");
        }
        PythonTarget target = pythonTarget(cluster).orElseThrow();
        EnvSpec spec;
        try {
            EnvSpec.checkRequirements(config.pythonRequirements(), "config.pythonRequirements");
            spec = new EnvSpec(
                    config.pythonRequirements(),
                    target.pythonVersion(),
                    target.platform(),
                    null,
                    target.pythonPrefix());
        } catch (io.platyspark.core.InvalidFieldException e) {
            throw new BackendRejectedException(e.getMessage(), e);
        }
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("platy-bootstrap-", ".sh");
            try {
                java.nio.file.Files.writeString(file, BootstrapScripts.forSpec(spec));
                return artifacts
                        .putContentAddressed("bootstrap", file, "python-requirements.sh")
                        .uri();
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new BackendUnavailableException(name(), "could not write the bootstrap script: " + e.getMessage(), e);
        }
    }

    /**
     * Known from the config alone, before the cluster exists: the CPU from its instance types (a config's
     * {@code graviton} flag, which validation holds its fleets' types to) and the Python from its release label
     * (overwrites included) through {@link EmrPythonProperties}.
     */
    @Override
    public Optional<PythonTarget> pythonTarget(Cluster cluster) {
        if (cluster.config() == null) {
            return Optional.empty();
        }
        ClusterConfig config;
        try {
            config = ClusterConfigJson.parse(cluster.config(), cluster.name());
        } catch (ClusterConfigException e) {
            throw new BackendRejectedException("the cluster's config is invalid: " + e.getMessage(), e);
        }
        String release = String.valueOf(config.toRequestMap(defaults, null).get("ReleaseLabel"));
        EmrPythonProperties.NodePython node = python.forRelease(release)
                .orElseThrow(() ->
                        new BackendRejectedException("the Python of EMR release " + release + " is not known to the "
                                + "platform: add it to platy.aws.emr-python.releases (e.g. releases[" + release
                                + "].version=3.9 and .prefix=/usr)"));
        return Optional.of(new PythonTarget(
                config.graviton() ? TargetPlatform.AARCH64 : TargetPlatform.X86_64, node.version(), node.prefix()));
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
                statuses.put(
                        cluster.id(),
                        call("describe", () -> emr.find(cluster.externalId()))
                                .map(EmrClusterBackend::status)
                                .orElseGet(() -> new ClusterStatus(
                                        cluster.externalId(),
                                        ClusterState.TERMINATED,
                                        "EMR no longer knows cluster " + cluster.externalId(),
                                        null,
                                        null)));
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
            EmrCluster described =
                    call("describe", () -> emr.find(candidate.id())).orElse(null);
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
                throw new BackendRejectedException(
                        "EMR refused to " + what + ": " + e.awsErrorDetails().errorMessage(), e);
            }
            throw new BackendUnavailableException("emr", "EMR " + what + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new BackendUnavailableException("emr", "EMR " + what + " failed: " + e.getMessage(), e);
        }
    }
}
