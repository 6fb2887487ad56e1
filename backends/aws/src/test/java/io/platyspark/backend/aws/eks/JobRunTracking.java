package io.platyspark.backend.aws.eks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.aws.eks.EmrOnEksJobs;
import io.platyspark.aws.moto.MotoJobStates;
import io.platyspark.backend.aws.awsjobs.JobClusterConfig;
import io.platyspark.backend.aws.awsjobs.S3JobLogs;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.reconcile.AppReconciler;
import io.platyspark.core.reconcile.ReconcileProperties;
import io.platyspark.core.testing.StoreFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emrcontainers.EmrContainersClient;
import software.amazon.awssdk.services.emrcontainers.model.DescribeJobRunRequest;
import software.amazon.awssdk.services.emrcontainers.model.ListJobRunsRequest;

/**
 * The watchdog's EMR on EKS bill: N running apps (job runs at moto) spread over M virtual clusters, tracked by the
 * real reconciler over the real store, with every EMR call counted at the SDK. A walk is a {@code ListJobRuns}
 * without a page token (its next pages belong to it). Used by the test that holds the budget and by bin/bench.
 */
public final class JobRunTracking implements AutoCloseable {

    /** What one reconcile cycle cost and did. */
    public record Cycle(
            Map<String, Integer> walksPerVirtualCluster,
            int listPages,
            int describes,
            int otherCalls,
            int changed,
            int tracked,
            Duration took) {}

    private final Map<String, AtomicInteger> walks = new ConcurrentHashMap<>();
    private final AtomicInteger pages = new AtomicInteger();
    private final AtomicInteger describes = new AtomicInteger();
    private final AtomicInteger others = new AtomicInteger();
    private final StoreFixture store = new StoreFixture(Clock.systemUTC());
    private final EmrContainersClient client;
    private final AppReconciler reconciler;
    private final List<String> virtualClusters = new ArrayList<>();

    public JobRunTracking(int apps, int clusters) {
        MotoJobStates moto = MotoJobStates.get();
        client = EmrContainersClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(moto.endpoint())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof ListJobRunsRequest list) {
                            pages.incrementAndGet();
                            if (list.nextToken() == null) {
                                walks.computeIfAbsent(list.virtualClusterId(), k -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                        } else if (context.request() instanceof DescribeJobRunRequest) {
                            describes.incrementAndGet();
                        } else {
                            others.incrementAndGet();
                        }
                    }
                }))
                .build();
        EmrOnEksJobs eks = new EmrOnEksJobs(client);
        String config = new JobClusterConfig(
                        null,
                        null,
                        null,
                        null,
                        "emr-7.5.0-latest",
                        "arn:aws:iam::123456789012:role/bench",
                        null,
                        null,
                        null,
                        null,
                        Map.of())
                .json();
        List<Cluster> recorded = new ArrayList<>();
        for (int c = 0; c < clusters; c++) {
            String vc = eks.createVirtualCluster("track-" + c, "eks-bench", "track-" + UUID.randomUUID());
            virtualClusters.add(vc);
            Cluster cluster = store.clusters
                    .getOrCreate(new NewCluster(
                            "track-" + c + "-" + vc, ClusterKind.EKS, "data", config, null, ClusterState.WAITING))
                    .cluster();
            store.jdbc
                    .sql("update clusters set external_id = ? where id = ?")
                    .params(vc, cluster.id())
                    .update();
            recorded.add(cluster);
        }
        for (int i = 0; i < apps; i++) {
            Cluster cluster = recorded.get(i % clusters);
            String vc = virtualClusters.get(i % clusters);
            SparkApp app = store.app("app-" + i, cluster.name());
            String run = eks.startJobRun(new EmrOnEksJobs.JobRunSpec(
                    app.backendName(),
                    vc,
                    "arn:aws:iam::123456789012:role/bench",
                    "emr-7.5.0-latest",
                    "s3://b/etl.py",
                    List.of(),
                    "",
                    Map.of(),
                    app.id().toString()));
            store.apps.transition(
                    app.id(),
                    AppState.PENDING,
                    AppTransition.to(AppState.SUBMITTED, null).withBackend("emr-eks", run));
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        reconciler = new AppReconciler(
                store.apps,
                store.clusters,
                new SparkBackends(List.of(new EksSparkBackend(eks, new S3JobLogs(null, "emr-eks"))), meters),
                new ReconcileProperties(
                        true,
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(10),
                        Duration.ofHours(6),
                        Duration.ofHours(1),
                        true,
                        Duration.ofSeconds(30)),
                Clock.systemUTC(),
                meters);
    }

    public List<String> virtualClusters() {
        return List.copyOf(virtualClusters);
    }

    /** One watchdog cycle over the apps, counted. */
    public Cycle cycle() {
        walks.clear();
        pages.set(0);
        describes.set(0);
        others.set(0);
        long start = System.nanoTime();
        AppReconciler.Result result = reconciler.reconcileOnce();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Map<String, Integer> perCluster = new java.util.TreeMap<>();
        walks.forEach((vc, n) -> perCluster.put(vc, n.get()));
        return new Cycle(
                perCluster, pages.get(), describes.get(), others.get(), result.changed(), result.tracked(), took);
    }

    /** The apps' states as the store holds them, counted. */
    public Map<AppState, Long> states() {
        Map<AppState, Long> counts = new java.util.EnumMap<>(AppState.class);
        store.jdbc
                .sql("select state, count(*) from apps group by state")
                .query((rs, n) -> {
                    counts.put(AppState.valueOf(rs.getString(1)), rs.getLong(2));
                    return null;
                })
                .list();
        return counts;
    }

    @Override
    public void close() {
        client.close();
    }
}
