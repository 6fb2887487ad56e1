package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.backend.livy.LivyProperties;
import io.platyspark.backend.livy.LivySparkBackend;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.livy.CreateBatchRequest;
import io.platyspark.livy.LivyClient;
import io.platyspark.livy.real.RealLivy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * The tracking walk against the published Livy 0.7.1 (issue 25, item 4): its list really is in id order and
 * {@code from = total - size} really is its newest page, so a cycle over the newest apps costs at most two list
 * calls however many batches Livy retains, where a walk from id 0 reads them all.
 */
class RealLivyTrackingCostTest {

    @Test
    void aCycleOverTheNewestBatchesReadsFromTheNewestEnd() {
        RealLivy real = RealLivy.shared();
        AtomicInteger listCalls = new AtomicInteger();
        OkHttpClient counting = new OkHttpClient.Builder()
                .addInterceptor(chain -> {
                    if (chain.request().method().equals("GET")
                            && chain.request().url().encodedPath().equals("/batches")) {
                        listCalls.incrementAndGet();
                    }
                    return chain.proceed(chain.request());
                })
                .build();
        // Pages of 2, so a handful of batches (each one a spark-submit on this machine) make several pages.
        LivySparkBackend backend = new LivySparkBackend(
                new LivyProperties(
                        true,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30),
                        0,
                        Duration.ofMillis(1),
                        2,
                        null,
                        null,
                        0,
                        Duration.ofMinutes(10)),
                counting);
        Cluster cluster = new Cluster(
                UUID.randomUUID(),
                "real-livy",
                ClusterKind.DEDICATED,
                "data",
                null,
                null,
                null,
                real.url(),
                ClusterState.WAITING,
                null,
                Instant.now(),
                Instant.now(),
                null,
                null);

        LivyClient livy = LivyClient.builder().baseUrl(real.url()).build();
        // A missing file fails fast in spark-submit; the batch stays listed for Livy's retention either way.
        String file = real.localDir().resolve("tracking-missing.py").toString();
        for (int i = 0; i < 6; i++) {
            livy.createBatch(CreateBatchRequest.builder()
                    .file(file)
                    .name("untracked-" + UUID.randomUUID())
                    .build());
        }
        List<SparkApp> tracked = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SparkApp app = app(cluster);
            livy.createBatch(CreateBatchRequest.builder()
                    .file(file)
                    .name(app.backendName())
                    .build());
            tracked.add(app);
        }
        int total = livy.listBatches(0, 0).total();
        assertThat(total)
                .as("enough batches that a walk from id 0 takes more than two pages")
                .isGreaterThan(4);

        for (int cycle = 1; cycle <= 2; cycle++) {
            listCalls.set(0);
            Map<UUID, BackendAppStatus> statuses = backend.status(cluster, tracked);
            assertThat(statuses)
                    .as("cycle %d", cycle)
                    .containsOnlyKeys(tracked.get(0).id(), tracked.get(1).id());
            assertThat(listCalls.get())
                    .as("list calls in cycle %d with %d batches at Livy", cycle, total)
                    .isBetween(1, 2);
        }
    }

    private static SparkApp app(Cluster cluster) {
        Instant now = Instant.now();
        return new SparkApp(
                UUID.randomUUID(),
                "tracked",
                "data",
                cluster.name(),
                cluster.id(),
                "/tmp/app.py",
                null,
                List.of(),
                Map.of(),
                null,
                null,
                AppState.SUBMITTED,
                null,
                LivySparkBackend.NAME,
                null,
                null,
                null,
                1,
                now,
                now,
                now,
                null,
                null,
                List.of(),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null);
    }
}
