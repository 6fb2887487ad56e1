package io.platyspark.bench;

import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.DevClusterConfig;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.aws.moto.MotoServer;
import io.platyspark.core.backend.emr.EmrClusterBackend;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;

/**
 * The EMR API budget of watching clusters: one watchdog read of N clusters through {@link EmrClusterBackend}
 * (ListClusters pages) against one DescribeCluster per cluster per cycle, as per-task sensors do. Counted at the
 * SDK, against moto's EMR.
 */
final class EmrScenario {

    private EmrScenario() {
    }

    static void run(Bench.Sizes sizes, Report report) {
        MotoServer moto = MotoServer.get();
        moto.reset();
        AtomicInteger calls = new AtomicInteger();
        EmrClient emr = EmrClient.builder().region(Region.US_EAST_1).endpointOverride(moto.endpoint())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        calls.incrementAndGet();
                    }
                })).build();
        PlatformDefaults defaults = PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/");
        List<Cluster> recorded = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < sizes.emrClusters(); i++) {
            UUID id = UUID.randomUUID();
            ClusterConfig config = new DevClusterConfig("bench-" + i, "bench");
            String externalId = emr.runJobFlow(config.toRunJobFlowRequest(defaults, id.toString())).jobFlowId();
            recorded.add(new Cluster(id, "bench-" + i, ClusterKind.DEDICATED, "bench", "{}", externalId,
                    "ip-" + i + ".ec2.internal", "http://ip-" + i + ".ec2.internal:8998", ClusterState.WAITING, null,
                    now, now, null, Duration.ofMinutes(30)));
        }
        EmrClusterBackend backend = new EmrClusterBackend(new EmrClusters(emr), defaults);

        calls.set(0);
        long start = System.nanoTime();
        int seen = backend.describeAll(recorded).size();
        double ourSeconds = (System.nanoTime() - start) / 1e9;
        int ourCalls = calls.get();

        calls.set(0);
        long pollStart = System.nanoTime();
        for (Cluster cluster : recorded) {
            emr.describeCluster(r -> r.clusterId(cluster.externalId()));
        }
        double pollSeconds = (System.nanoTime() - pollStart) / 1e9;
        int pollCalls = calls.get();
        if (seen != recorded.size()) {
            throw new IllegalStateException("the watchdog's read saw " + seen + " of " + recorded.size());
        }
        String label = String.format("EMR budget, %,d clusters", recorded.size());
        report.add(label, "EMR API calls per cycle", ourCalls, pollCalls, "calls", "DescribeCluster per cluster");
        report.add(label, "wall time per cycle (moto)", ourSeconds, pollSeconds, "s", "DescribeCluster per cluster");
        // At EMR's documented refill of about 1 call/s per operation, the baseline's calls take that many seconds.
        report.add(label, "seconds of EMR rate budget (1 call/s)", ourCalls, pollCalls, "s",
                "DescribeCluster per cluster");
        report.note(String.format("EMR budget: %,d clusters created in moto; our read is ListClusters pages (50 "
                + "per page, all states since the oldest watched cluster) — DescribeCluster only for a cluster that "
                + "became ready without a known master DNS, none in this steady state.", recorded.size()));
        emr.close();
    }
}
