package io.platyspark.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.platyspark.core.testing.FreezingProxy;
import io.platyspark.core.testing.TestDatabase;
import java.net.URI;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The notices of V22's triggers reach {@link StoreChanges} from changes made on other connections, a lost or
 * frozen listening connection stops every row from being kept until listening resumes, and {@link RecentReads}
 * keeps a row only while nothing could have changed it. On a real PostgreSQL.
 */
class StoreChangesTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    final HikariDataSource dataSource = (HikariDataSource) TestDatabase.newMigratedDataSource();
    final JdbcClient jdbc = JdbcClient.create(dataSource);
    StoreChanges changes = StoreChanges.listeningOn(dataSource);

    @AfterEach
    void close() {
        changes.close();
        dataSource.close();
    }

    @Test
    void aChangeCommittedOnAnotherConnectionIsHeardForItsTableOnly() {
        await().atMost(WAIT).until(changes::listening);
        long tokens = changes.version("api_tokens");
        long clusters = changes.version("clusters");

        new TransactionTemplate(new org.springframework.jdbc.support.JdbcTransactionManager(dataSource))
                .executeWithoutResult(status -> {
                    insertToken("one");
                    insertToken("two");
                });

        await().atMost(WAIT).until(() -> changes.version("api_tokens") > tokens);
        assertThat(changes.version("clusters")).as("no change to clusters").isEqualTo(clusters);
        assertThat(changes.listening()).isTrue();
    }

    @Test
    void aTerminatedListenerIsReplacedAndTheVersionsMoveMeanwhile() {
        await().atMost(WAIT).until(changes::listening);
        long before = changes.version("clusters");

        int terminated = jdbc.sql("""
                        select count(*) from (
                            select pg_terminate_backend(pid) from pg_stat_activity
                            where application_name = :name and datname = current_database()) t
                        """)
                .param("name", StoreChanges.APPLICATION_NAME)
                .query(Integer.class)
                .single();
        assertThat(terminated)
                .as("the listener holds a connection named for it")
                .isEqualTo(1);

        await().atMost(WAIT).until(() -> changes.version("clusters") > before);
        await().atMost(WAIT).until(changes::listening);
        long relistened = changes.version("api_tokens");
        insertToken("after");
        await().atMost(WAIT).until(() -> changes.version("api_tokens") > relistened);
    }

    @Test
    void aFrozenServerIsNoticedAndListeningResumesWhenItAnswersAgain() throws Exception {
        changes.close();
        URI url = URI.create(dataSource.getJdbcUrl().substring("jdbc:".length()));
        try (FreezingProxy proxy = FreezingProxy.to(url.getHost(), url.getPort())) {
            String proxied = "jdbc:postgresql://127.0.0.1:" + proxy.port() + url.getPath();
            changes = new StoreChanges(
                    () -> DriverManager.getConnection(proxied, dataSource.getUsername(), dataSource.getPassword()),
                    Duration.ofMillis(200),
                    Duration.ofSeconds(1));
            await().atMost(WAIT).until(changes::listening);
            long before = changes.version("api_tokens");

            proxy.freeze();
            await().atMost(WAIT).until(() -> !changes.listening());
            assertThat(changes.version("api_tokens")).isGreaterThan(before);

            proxy.thaw();
            await().atMost(WAIT).until(changes::listening);
            long relistened = changes.version("api_tokens");
            insertToken("thawed");
            await().atMost(WAIT).until(() -> changes.version("api_tokens") > relistened);
        }
    }

    @Test
    void aReadIsKeptUntilItsTableChanges() {
        await().atMost(WAIT).until(changes::listening);
        RecentReads<String, String> reads = new RecentReads<>(changes, "clusters", Duration.ofHours(1));
        AtomicInteger loads = new AtomicInteger();

        assertThat(reads.get("a", k -> load(loads, k))).contains("a");
        assertThat(reads.get("a", k -> load(loads, k))).contains("a");
        assertThat(loads).as("kept").hasValue(1);

        changes.changed("api_tokens");
        assertThat(reads.get("a", k -> load(loads, k))).contains("a");
        assertThat(loads).as("another table's change").hasValue(1);

        changes.changedAfterCommit("clusters");
        assertThat(reads.get("a", k -> load(loads, k))).contains("a");
        assertThat(loads).as("read again after its table changed").hasValue(2);
    }

    @Test
    void aReadDuringWhichTheTableChangedIsNotKept() {
        await().atMost(WAIT).until(changes::listening);
        RecentReads<String, String> reads = new RecentReads<>(changes, "clusters", Duration.ofHours(1));
        AtomicInteger loads = new AtomicInteger();

        reads.get("a", k -> {
            changes.changed("clusters");
            return load(loads, k);
        });
        reads.get("a", k -> load(loads, k));
        reads.get("a", k -> load(loads, k));

        assertThat(loads).as("the first read was not kept, the second was").hasValue(2);
    }

    @Test
    void absentRowsAndOldRowsAreReadEveryTime() {
        await().atMost(WAIT).until(changes::listening);
        AtomicLong nanos = new AtomicLong();
        RecentReads<String, String> reads = new RecentReads<>(changes, "clusters", Duration.ofSeconds(2), nanos::get);
        AtomicInteger loads = new AtomicInteger();

        reads.get("gone", k -> {
            loads.incrementAndGet();
            return Optional.empty();
        });
        reads.get("gone", k -> {
            loads.incrementAndGet();
            return Optional.empty();
        });
        assertThat(loads).as("absent: asked each time").hasValue(2);

        reads.get("a", k -> load(loads, k));
        nanos.addAndGet(Duration.ofMillis(1999).toNanos());
        reads.get("a", k -> load(loads, k));
        assertThat(loads).as("still young").hasValue(3);
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        reads.get("a", k -> load(loads, k));
        assertThat(loads).as("two seconds old: read again").hasValue(4);
    }

    @Test
    void nothingIsKeptWhileNoticesCannotBeHeard() {
        changes.close();
        changes = new StoreChanges(() -> {
            throw new java.sql.SQLException("no server here");
        });
        RecentReads<String, String> reads = new RecentReads<>(changes, "clusters", Duration.ofHours(1));
        AtomicInteger loads = new AtomicInteger();

        for (int i = 0; i < 3; i++) {
            assertThat(reads.get("a", k -> load(loads, k))).contains("a");
        }

        assertThat(changes.listening()).isFalse();
        assertThat(loads).hasValue(3);
    }

    private static Optional<String> load(AtomicInteger loads, String key) {
        loads.incrementAndGet();
        return Optional.of(key);
    }

    private void insertToken(String name) {
        jdbc.sql("""
                        insert into api_tokens (id, name, team, admin, token_hash, created_at, created_by)
                        values (:id, :name, 'team-a', false, :hash, now(), 'test')
                        """)
                .param("id", UUID.randomUUID())
                .param("name", name)
                .param("hash", UUID.randomUUID().toString())
                .update();
    }
}
