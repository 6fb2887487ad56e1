package io.platyspark.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.store.StoreChanges;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class JdbcClusterStoreTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final JdbcClusterStore store =
            new JdbcClusterStore(JdbcClient.create(TestDatabase.newMigratedDataSource()), clock);

    private static NewCluster dedicated(String name) {
        return new NewCluster(
                name, ClusterKind.DEDICATED, "data", "{\"name\":\"" + name + "\"}", null, ClusterState.STARTING);
    }

    @Test
    void concurrentGetOrCreateMakesOneCluster() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<ClusterStore.GetOrCreate>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(() -> store.getOrCreate(dedicated("etl")));
            }
            Set<UUID> ids = new HashSet<>();
            int created = 0;
            for (Future<ClusterStore.GetOrCreate> f : pool.invokeAll(calls)) {
                ids.add(f.get().cluster().id());
                created += f.get().created() ? 1 : 0;
            }
            assertThat(ids).hasSize(1);
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRecentReadOfAnActiveClusterEndsWithItsTermination() {
        javax.sql.DataSource dataSource = TestDatabase.newMigratedDataSource();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        try (StoreChanges changes = StoreChanges.listeningOn(dataSource)) {
            TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(dataSource));
            JdbcClusterStore here = new JdbcClusterStore(jdbc, tx, clock, changes);
            JdbcClusterStore otherReplica = new JdbcClusterStore(jdbc, tx, clock);
            await().atMost(Duration.ofSeconds(20)).until(changes::listening);
            Cluster etl = here.getOrCreate(dedicated("etl"), ClusterQuota.NONE).cluster();
            Cluster ml = here.getOrCreate(dedicated("ml")).cluster();
            assertThat(here.findActiveRecent("etl")).contains(etl);
            assertThat(here.findActiveRecent("ml")).contains(ml);

            here.transition(etl.id(), ClusterState.STARTING, ClusterState.TERMINATED, "idle", null, null, null);
            assertThat(here.findActiveRecent("etl")).as("ended here: at once").isEmpty();

            long before = changes.version("clusters");
            otherReplica.transition(
                    ml.id(), ClusterState.STARTING, ClusterState.TERMINATING, "asked", null, null, null);
            await().atMost(Duration.ofSeconds(20)).until(() -> changes.version("clusters") > before);
            assertThat(here.findActiveRecent("ml").orElseThrow().state())
                    .as("changed elsewhere: once the notice is heard")
                    .isEqualTo(ClusterState.TERMINATING);
        }
    }

    @Test
    void aTerminatedClusterFreesItsName() {
        Cluster first = store.getOrCreate(dedicated("etl")).cluster();
        store.transition(first.id(), ClusterState.STARTING, ClusterState.TERMINATED, "idle", "j-1", null, null);

        ClusterStore.GetOrCreate second = store.getOrCreate(dedicated("etl"));

        assertThat(second.created()).isTrue();
        assertThat(second.cluster().id()).isNotEqualTo(first.id());
        assertThat(store.find(first.id()).orElseThrow().terminatedAt()).isEqualTo(clock.instant());
        assertThat(store.findActive())
                .extracting(Cluster::id)
                .containsExactly(second.cluster().id());
    }

    @Test
    void staleTransitionIsRefused() {
        Cluster cluster = store.getOrCreate(dedicated("etl")).cluster();
        store.transition(
                cluster.id(),
                ClusterState.STARTING,
                ClusterState.WAITING,
                null,
                "j-1",
                "m.internal",
                "http://m.internal:8998");

        assertThat(store.transition(
                        cluster.id(), ClusterState.STARTING, ClusterState.TERMINATED, null, null, null, null))
                .isEmpty();
        Cluster stored = store.findActive("etl").orElseThrow();
        assertThat(stored.state()).isEqualTo(ClusterState.WAITING);
        assertThat(stored.livyUrl()).isEqualTo("http://m.internal:8998");
        assertThat(stored.config()).contains("\"name\"");
    }
}
