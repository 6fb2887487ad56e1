package io.platyspark.core.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The reconciler holds one page of apps at a time (issue 25, item 4): on the real PostgreSQL with more active
 * apps than a page, no store answer and no backend call carries more than a page, and every app is still seen.
 */
class AppReconcilerPagingTest {

    static final int PAGE = 100;

    final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    final StoreFixture store = new StoreFixture(clock);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final AtomicInteger largestStoreAnswer = new AtomicInteger();
    final AtomicInteger largestStatusCall = new AtomicInteger();
    final AtomicInteger readers = new AtomicInteger();
    final Set<UUID> asked = new HashSet<>();
    final Set<UUID> forgotten = new HashSet<>();

    @Test
    void aCycleOverMoreAppsThanAPageHoldsOnePageAtATime() {
        Cluster etl = store.cluster("etl", ClusterState.WAITING);
        Cluster adhoc = store.cluster("adhoc", ClusterState.WAITING);
        seed(etl, "RUNNING", 1_050, clock.instant());
        seed(adhoc, "SUBMITTED", 230, clock.instant());
        // Stuck in the queue for a week: the cycle fails them, reading them a page at a time too.
        seed(etl, "PENDING", 250, clock.instant().minus(Duration.ofDays(7)));
        List<UUID> someRunning = store.jdbc
                .sql("select id from apps where state = 'RUNNING' order by id limit 7")
                .query(UUID.class)
                .list();
        forgotten.addAll(someRunning);

        AppReconciler reconciler = new AppReconciler(
                recordingStore(store.apps),
                store.clusters,
                new SparkBackends(List.of(recordingBackend()), meters),
                ReconcileProperties.defaults(),
                clock,
                meters,
                PAGE);
        AppReconciler.Result result = reconciler.reconcileOnce();

        assertThat(largestStoreAnswer.get())
                .as("apps in the largest store answer")
                .isLessThanOrEqualTo(PAGE);
        assertThat(largestStatusCall.get())
                .as("apps in the largest status call")
                .isEqualTo(PAGE);
        assertThat(result.tracked()).isEqualTo(1_280);
        assertThat(readers.get())
                .as("status readers: one per cluster, shared by its pages")
                .isEqualTo(2);
        assertThat(asked).as("every active app was asked about once").hasSize(1_280);
        assertThat(result.unknown()).isEqualTo(7);
        assertThat(result.stuckFailed()).isEqualTo(250);
        assertThat(store.jdbc
                        .sql("select count(*) from apps where unknown_since is not null")
                        .query(Integer.class)
                        .single())
                .isEqualTo(7);
        assertThat(store.jdbc
                        .sql("select count(*) from apps where state = 'PENDING'")
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    private void seed(Cluster cluster, String state, int count, java.time.Instant at) {
        store.jdbc
                .sql("""
                insert into apps (id, name, team, cluster_name, cluster_id, source, state, backend, backend_id,
                                  next_attempt_at, created_at, updated_at, submitted_at, started_at)
                select gen_random_uuid(), 'paged-' || g, 'data', :cluster, :clusterId, '/apps/job.py', :state,
                       case when :state = 'PENDING' then null else 'recording' end,
                       case when :state = 'PENDING' then null else cast(g as text) end,
                       :at, :at, :at,
                       case when :state = 'PENDING' then null else cast(:at as timestamptz) end,
                       case when :state = 'RUNNING' then cast(:at as timestamptz) end
                from generate_series(1, :n) g
                """)
                .param("cluster", cluster.name())
                .param("clusterId", cluster.id())
                .param("state", state)
                .param("at", Timestamp.from(at))
                .param("n", count)
                .update();
    }

    /** The real store, noting the largest list of apps any of its answers carries. */
    private SparkAppStore recordingStore(SparkAppStore real) {
        return (SparkAppStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {SparkAppStore.class}, (proxy, method, args) -> {
                    Object answer;
                    try {
                        answer = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (answer instanceof Collection<?> list
                            && !list.isEmpty()
                            && list.iterator().next() instanceof SparkApp) {
                        largestStoreAnswer.accumulateAndGet(list.size(), Math::max);
                    }
                    return answer;
                });
    }

    /** A backend that knows every app but the forgotten ones, noting how many apps each call carries. */
    private SparkBackend recordingBackend() {
        return (SparkBackend) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {SparkBackend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "recording";
                    case "supports" -> true;
                    case "statusReader" -> {
                        readers.incrementAndGet();
                        yield java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    case "status" -> {
                        @SuppressWarnings("unchecked")
                        Collection<SparkApp> apps = (Collection<SparkApp>) args[1];
                        largestStatusCall.accumulateAndGet(apps.size(), Math::max);
                        Map<UUID, BackendAppStatus> statuses = new HashMap<>();
                        for (SparkApp app : apps) {
                            assertThat(asked.add(app.id()))
                                    .as("asked about %s twice", app.id())
                                    .isTrue();
                            if (!forgotten.contains(app.id())) {
                                statuses.put(app.id(), new BackendAppStatus(app.state(), null, null, null));
                            }
                        }
                        yield statuses;
                    }
                    case "kill" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "recording backend";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
