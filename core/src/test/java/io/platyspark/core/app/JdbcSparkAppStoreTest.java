package io.platyspark.core.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

class JdbcSparkAppStoreTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private DataSource dataSource;
    private JdbcSparkAppStore store;

    @BeforeEach
    void setUp() {
        dataSource = TestDatabase.newMigratedDataSource();
        store = new JdbcSparkAppStore(
                JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new JsonMapper(),
                clock);
    }

    private static NewSparkApp app(String name, String cluster, String key) {
        return new NewSparkApp(
                name,
                "data",
                cluster,
                "/apps/job.py",
                null,
                List.of("--day", "2026-01-01"),
                Map.of("spark.executor.memory", "2g"),
                key,
                "req-" + name);
    }

    @Test
    void createStoresPendingAppWithItsCreationEvent() {
        SparkAppStore.CreateResult result = store.create(app("etl", "local", null), "h1");

        SparkApp stored = store.find(result.app().id()).orElseThrow();
        assertThat(result.created()).isTrue();
        assertThat(stored.state()).isEqualTo(AppState.PENDING);
        assertThat(stored.args()).containsExactly("--day", "2026-01-01");
        assertThat(stored.sparkConf()).containsEntry("spark.executor.memory", "2g");
        assertThat(stored.createdAt()).isEqualTo(clock.instant());
        assertThat(store.events(stored.id())).singleElement().satisfies(e -> {
            assertThat(e.fromState()).isNull();
            assertThat(e.toState()).isEqualTo(AppState.PENDING);
            assertThat(e.requestId()).isEqualTo("req-etl");
        });
    }

    @Test
    void sameIdempotencyKeyFromConcurrentCallersMakesOneApp() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<SparkAppStore.CreateResult>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> store.create(app("etl", "local", "key-1"), "h1"));
            }
            Set<UUID> ids = new HashSet<>();
            int created = 0;
            for (Future<SparkAppStore.CreateResult> f : pool.invokeAll(calls)) {
                ids.add(f.get().app().id());
                created += f.get().created() ? 1 : 0;
            }
            assertThat(ids).hasSize(1);
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        Integer rows = JdbcClient.create(dataSource)
                .sql("select count(*) from apps")
                .query(Integer.class)
                .single();
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void transitionIsCompareAndSetAndRecordsEachChange() {
        SparkApp app = store.create(app("etl", "local", null), "h").app();
        clock.advance(Duration.ofSeconds(5));

        TransitionResult submitted = store.transition(
                app.id(),
                AppState.PENDING,
                AppTransition.to(AppState.SUBMITTED, null).withBackend("local", "123"));
        TransitionResult stale =
                store.transition(app.id(), AppState.PENDING, AppTransition.to(AppState.FAILED, "late writer"));

        assertThat(submitted.applied()).isTrue();
        assertThat(submitted.current().backendId()).isEqualTo("123");
        assertThat(submitted.current().submittedAt()).isEqualTo(clock.instant());
        assertThat(stale.applied()).isFalse();
        assertThat(stale.current().state()).isEqualTo(AppState.SUBMITTED);
        assertThat(store.events(app.id()))
                .extracting(AppEvent::toState)
                .containsExactly(AppState.PENDING, AppState.SUBMITTED);
    }

    @Test
    void factsWithoutStateChangeUpdateLinksButWriteNoEvent() {
        SparkApp app = store.create(app("etl", "local", null), "h").app();
        store.transition(app.id(), AppState.PENDING, AppTransition.to(AppState.RUNNING, null));

        TransitionResult linked = store.transition(
                app.id(),
                AppState.RUNNING,
                AppTransition.to(AppState.RUNNING, null)
                        .withBackendAppId("application_1_0001")
                        .withLinks(new AppLinks("http://ui", null, null)));

        assertThat(linked.current().links().sparkUiUrl()).isEqualTo("http://ui");
        assertThat(linked.current().backendAppId()).isEqualTo("application_1_0001");
        assertThat(store.events(app.id())).hasSize(2);
    }

    @Test
    void terminalTransitionStampsFinishTime() {
        SparkApp app = store.create(app("etl", "local", null), "h").app();
        store.transition(app.id(), AppState.PENDING, AppTransition.to(AppState.RUNNING, null));
        clock.advance(Duration.ofMinutes(3));

        SparkApp done = store.transition(app.id(), AppState.RUNNING, AppTransition.to(AppState.FAILED, "exit 1"))
                .current();

        assertThat(done.finishedAt()).isEqualTo(clock.instant());
        assertThat(done.startedAt()).isEqualTo(clock.instant().minus(Duration.ofMinutes(3)));
        assertThat(done.stateReason()).isEqualTo("exit 1");
    }

    @ParameterizedTest
    @EnumSource(
            value = AppState.class,
            names = {"SUCCEEDED", "FAILED", "KILLED", "LOST"})
    void aTerminalStateIsFinal(AppState terminal) {
        SparkApp app = store.create(app("etl", "local", null), "h").app();
        store.transition(app.id(), AppState.PENDING, AppTransition.to(AppState.RUNNING, null));
        SparkApp ended = store.transition(app.id(), AppState.RUNNING, AppTransition.to(terminal, "ended"))
                .current();

        for (AppState next : AppState.values()) {
            if (next == terminal) {
                continue;
            }
            TransitionResult result = store.transition(app.id(), terminal, AppTransition.to(next, "back to life"));

            assertThat(result.applied()).as("%s -> %s", terminal, next).isFalse();
            assertThat(result.current().state()).isEqualTo(terminal);
            assertThat(result.current().finishedAt()).isEqualTo(ended.finishedAt());
        }
        assertThat(store.find(app.id()).orElseThrow().state()).isEqualTo(terminal);
        assertThat(store.events(app.id()))
                .extracting(AppEvent::toState)
                .containsExactly(AppState.PENDING, AppState.RUNNING, terminal);
        // Facts may still be added to an ended app (its metrics, read after the end).
        assertThat(store.transition(app.id(), terminal, AppTransition.to(terminal, null))
                        .applied())
                .isTrue();
    }

    @Test
    void claimsSkipLeasedRowsUntilTheLeaseRunsOut() {
        for (int i = 0; i < 5; i++) {
            store.create(app("a" + i, "local", null), "h");
        }

        List<SparkApp> first = store.claimForSubmission("w1", Duration.ofMinutes(5), 3);
        List<SparkApp> second = store.claimForSubmission("w2", Duration.ofMinutes(5), 10);
        List<SparkApp> nothingLeft = store.claimForSubmission("w3", Duration.ofMinutes(5), 10);
        clock.advance(Duration.ofMinutes(6));
        List<SparkApp> afterExpiry = store.claimForSubmission("w3", Duration.ofMinutes(5), 10);

        assertThat(first).hasSize(3);
        assertThat(second)
                .hasSize(2)
                .extracting(SparkApp::id)
                .doesNotContainAnyElementsOf(first.stream().map(SparkApp::id).toList());
        assertThat(nothingLeft).isEmpty();
        assertThat(afterExpiry).hasSize(5);
    }

    @Test
    void releasedAppIsDueAgainOnlyAtItsNextAttempt() {
        SparkApp app = store.create(app("etl", "local", null), "h").app();
        store.claimForSubmission("w1", Duration.ofMinutes(5), 1);

        store.release(app.id(), "w1", clock.instant().plusSeconds(30), "backend down", true);

        assertThat(store.claimForSubmission("w2", Duration.ofMinutes(5), 1)).isEmpty();
        clock.advance(Duration.ofSeconds(31));
        assertThat(store.claimForSubmission("w2", Duration.ofMinutes(5), 1))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.attempts()).isEqualTo(1);
                    assertThat(a.stateReason()).isEqualTo("backend down");
                });
    }

    @Test
    void everyNewReasonIsAnEventOnceEvenWithoutAStateChange() {
        SparkApp app = store.create(app("etl", "local", null), "h").app();
        store.claimForSubmission("w1", Duration.ofMinutes(5), 1);
        store.release(app.id(), "w1", clock.instant(), "submit attempt 1 failed: Livy answered 500", true);
        store.claimForSubmission("w1", Duration.ofMinutes(5), 1);
        store.release(app.id(), "w1", clock.instant(), "submit attempt 2 failed: Livy answered 500", true);
        store.claimForSubmission("w1", Duration.ofMinutes(5), 1);
        store.releaseAfterOutage(
                app.id(),
                "w1",
                "waiting out an outage: Livy unreachable",
                Duration.ofSeconds(1),
                Duration.ofSeconds(10));
        store.claimForSubmission("w1", Duration.ofMinutes(5), 1);
        store.releaseAfterOutage(
                app.id(),
                "w1",
                "waiting out an outage: Livy unreachable",
                Duration.ofSeconds(1),
                Duration.ofSeconds(10));
        store.transition(app.id(), AppState.PENDING, AppTransition.to(AppState.PENDING, null));
        store.transition(app.id(), AppState.PENDING, AppTransition.to(AppState.SUBMITTED, "accepted as batch 3"));

        assertThat(store.events(app.id()))
                .extracting(AppEvent::fromState, AppEvent::toState, AppEvent::reason)
                .containsExactly(
                        tuple(null, AppState.PENDING, "accepted"),
                        tuple(AppState.PENDING, AppState.PENDING, "submit attempt 1 failed: Livy answered 500"),
                        tuple(AppState.PENDING, AppState.PENDING, "submit attempt 2 failed: Livy answered 500"),
                        tuple(AppState.PENDING, AppState.PENDING, "waiting out an outage: Livy unreachable"),
                        tuple(AppState.PENDING, AppState.SUBMITTED, "accepted as batch 3"));
    }

    @Test
    void releaseByAnotherOwnerChangesNothing() {
        SparkApp app = store.create(app("etl", "local", null), "h").app();
        store.claimForSubmission("w1", Duration.ofMinutes(5), 1);

        store.release(app.id(), "intruder", clock.instant(), "x", true);

        assertThat(store.find(app.id()).orElseThrow().attempts()).isZero();
        assertThat(store.claimForSubmission("w2", Duration.ofMinutes(5), 1)).isEmpty();
    }

    @Test
    void listPagesNewestFirstWithoutOverlapAndFilters() {
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(store.create(app("a" + i, i % 2 == 0 ? "local" : "shared", null), "h")
                    .app()
                    .id());
            clock.advance(Duration.ofSeconds(1));
        }
        List<UUID> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            AppPage page = store.list(new AppQuery(null, null, Set.of(), cursor, 3));
            page.items().forEach(a -> seen.add(a.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        java.util.Collections.reverse(created);
        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(store.list(new AppQuery("local", null, Set.of(), null, 100)).items())
                .hasSize(4)
                .allMatch(a -> a.clusterName().equals("local"));
        assertThat(store.list(new AppQuery(null, "other-team", Set.of(), null, 100))
                        .items())
                .isEmpty();
        assertThat(store.list(new AppQuery(null, null, Set.of(AppState.RUNNING), null, 100))
                        .items())
                .isEmpty();
    }

    @Test
    void foreignCursorIsRejected() {
        assertThatThrownBy(() -> store.list(new AppQuery(null, null, Set.of(), "not-a-cursor", 10)))
                .isInstanceOf(InvalidCursorException.class);
        for (long micros : new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}) {
            String forged = java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((micros + ":" + java.util.UUID.randomUUID())
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThatThrownBy(() -> store.list(new AppQuery(null, null, Set.of(), forged, 10)))
                    .as("time %d", micros)
                    .isInstanceOf(InvalidCursorException.class);
        }
    }
}
