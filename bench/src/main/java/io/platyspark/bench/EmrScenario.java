package io.platyspark.bench;

import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.DevClusterConfig;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.aws.moto.MotoServer;
import io.platyspark.backend.aws.emr.EmrClusterBackend;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;

/**
 * The EMR API budget of watching clusters in an account shared with others: N platform clusters and N foreign
 * ones, read by {@link EmrClusterBackend} (ListClusters of the live states, DescribeCluster only for what the list
 * cannot settle) against one DescribeCluster per cluster per cycle, as per-task sensors do, and against the
 * previous read (every state since the oldest watched cluster). Counted at the SDK, against moto's EMR.
 */
final class EmrScenario {

    private static final int VANISHED = 5;

    private EmrScenario() {}

    static void run(Bench.Sizes sizes, Report report) {
        MotoServer moto = MotoServer.get();
        moto.reset();
        AtomicInteger calls = new AtomicInteger();
        Map<String, AtomicInteger> byOperation = new ConcurrentHashMap<>();
        EmrClient emr = EmrClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(moto.endpoint())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        calls.incrementAndGet();
                        byOperation
                                .computeIfAbsent(
                                        attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                                        k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                }))
                .build();
        PlatformDefaults defaults = PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/");
        int n = sizes.emrClusters();
        List<Cluster> recorded = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            ClusterConfig config = new DevClusterConfig("bench-" + i, "bench");
            String externalId = emr.runJobFlow(config.toRunJobFlowRequest(defaults, id.toString()))
                    .jobFlowId();
            recorded.add(new Cluster(
                    id,
                    "bench-" + i,
                    ClusterKind.DEDICATED,
                    "bench",
                    "{}",
                    externalId,
                    "ip-" + i + ".ec2.internal",
                    "http://ip-" + i + ".ec2.internal:8998",
                    ClusterState.WAITING,
                    null,
                    now,
                    now,
                    null,
                    Duration.ofMinutes(30)));
        }
        for (int i = 0; i < n; i++) {
            int k = i;
            emr.runJobFlow(r -> r.name("foreign-" + k)
                    .releaseLabel("emr-7.5.0")
                    .instances(in ->
                            in.instanceCount(1).masterInstanceType("m5.xlarge").keepJobFlowAliveWhenNoSteps(true)));
        }
        // The account's history: as many foreign clusters that ended (the previous read paged through these too).
        for (int i = 0; i < n; i++) {
            int k = i;
            String ended = emr.runJobFlow(r -> r.name("ended-" + k)
                            .releaseLabel("emr-7.5.0")
                            .instances(in -> in.instanceCount(1)
                                    .masterInstanceType("m5.xlarge")
                                    .keepJobFlowAliveWhenNoSteps(true)))
                    .jobFlowId();
            emr.terminateJobFlows(r -> r.jobFlowIds(ended));
        }
        EmrClusterBackend backend = new EmrClusterBackend(new EmrClusters(emr), defaults);

        // First cycles: the foreign clusters are described once each, a bounded number per cycle.
        calls.set(0);
        int warmCycles = 0;
        int firstCycle = -1;
        int cycleCalls;
        do {
            int before = calls.get();
            observe(backend, recorded, n);
            cycleCalls = calls.get() - before;
            firstCycle = firstCycle < 0 ? cycleCalls : firstCycle;
            warmCycles++;
        } while (byOperation
                                .getOrDefault("DescribeCluster", new AtomicInteger())
                                .getAndSet(0)
                        > 0
                && warmCycles < 1000);
        int warmCalls = calls.get();

        calls.set(0);
        long start = System.nanoTime();
        observe(backend, recorded, n);
        double ourSeconds = (System.nanoTime() - start) / 1e9;
        int steadyCalls = calls.get();
        int active = 2 * n;
        int pages = (active + 49) / 50;
        if (steadyCalls > pages) {
            throw new IllegalStateException("a steady cycle made " + steadyCalls + " EMR calls for " + active
                    + " live clusters; the budget is " + pages);
        }

        calls.set(0);
        long pollStart = System.nanoTime();
        for (Cluster cluster : recorded) {
            emr.describeCluster(r -> r.clusterId(cluster.externalId()));
        }
        double pollSeconds = (System.nanoTime() - pollStart) / 1e9;
        int pollCalls = calls.get();

        // Some clusters end outside the platform: they leave the live list and are described once each.
        List<Cluster> vanished = List.copyOf(recorded.subList(0, Math.min(VANISHED, recorded.size())));
        vanished.forEach(c -> emr.terminateJobFlows(r -> r.jobFlowIds(c.externalId())));
        calls.set(0);
        long ended = backend.observe(recorded).statuses().values().stream()
                .filter(status -> status.state().isTerminated())
                .count();
        int vanishedCalls = calls.get();
        if (ended != vanished.size()) {
            throw new IllegalStateException(
                    "the watchdog's read saw " + ended + " of " + vanished.size() + " vanished clusters end");
        }
        recorded.removeAll(vanished);
        int vanishedBudget = (active - vanished.size() + 49) / 50 + vanished.size();
        if (vanishedCalls > vanishedBudget) {
            throw new IllegalStateException("a cycle with " + VANISHED + " vanished clusters made " + vanishedCalls
                    + " EMR calls; the budget is " + vanishedBudget);
        }

        calls.set(0);
        new EmrClusters(emr).list(Set.of(), now.minus(Duration.ofHours(1)));
        int previousCalls = calls.get();

        String label = String.format("EMR budget, %,d + %,d foreign clusters", n, n);
        report.add(label, "EMR API calls per cycle", steadyCalls, pollCalls, "calls", "DescribeCluster per cluster");
        report.add(
                label,
                "EMR API calls per cycle (previous read)",
                steadyCalls,
                previousCalls,
                "calls",
                "ListClusters, all states since the oldest");
        report.add(
                label,
                "EMR API calls, cycle with " + VANISHED + " vanished",
                vanishedCalls,
                pollCalls,
                "calls",
                "DescribeCluster per cluster");
        report.add(label, "wall time per cycle (moto)", ourSeconds, pollSeconds, "s", "DescribeCluster per cluster");
        report.add(
                label,
                "seconds of EMR rate budget (1 call/s)",
                steadyCalls,
                pollCalls,
                "s",
                "DescribeCluster per cluster");
        report.note(String.format(
                "EMR budget: %,d platform and %,d foreign clusters live in moto (%,d in all), "
                        + "and %,d foreign clusters that ended. A "
                        + "steady cycle is ListClusters of the live states, 50 per page: %d calls (target: one per 50 live "
                        + "clusters, %d). A cycle where %d watched clusters ended outside the platform adds one "
                        + "DescribeCluster each: %d calls (target %d). The first %d cycles also describe the foreign "
                        + "clusters once each (at most 20 a cycle, to find orphans tagged with a platform id): %d calls in "
                        + "all, %d in the first cycle. Cluster cycles run every platy.reconcile.cluster-interval (30 s), "
                        + "apart from the app cycles.",
                n,
                n,
                active,
                n,
                steadyCalls,
                pages,
                VANISHED,
                vanishedCalls,
                vanishedBudget,
                warmCycles - 1,
                warmCalls,
                firstCycle));
        emr.close();
    }

    private static void observe(ClusterBackend backend, List<Cluster> recorded, int expected) {
        int seen = backend.observe(recorded).statuses().size();
        if (seen != expected) {
            throw new IllegalStateException("the watchdog's read saw " + seen + " of " + expected);
        }
    }
}
