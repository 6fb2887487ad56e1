package io.platyspark.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
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
