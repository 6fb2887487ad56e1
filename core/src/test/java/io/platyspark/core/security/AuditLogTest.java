package io.platyspark.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Audit rows written in a transaction commit with it, in one statement, and vanish with a rollback. */
class AuditLogTest {

    private final DataSource dataSource = TestDatabase.newMigratedDataSource();
    private final JdbcClient jdbc = JdbcClient.create(dataSource);
    private final AuditLog audit = new AuditLog(jdbc, MutableClock.at("2026-01-01T10:00:00Z"));
    private final TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    private final Caller data = new Caller("ci-token", "data", false);

    @Test
    void outsideATransactionEachRowIsWrittenAtOnce() {
        audit.record(data, "POST", "/api/v1/apps", 202, "r1");
        audit.record(null, "GET", "/api/v1/apps", 401, null);

        assertThat(audit.list(null, 10))
                .extracting(AuditLog.Entry::actor, AuditLog.Entry::team, AuditLog.Entry::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("anonymous", null, 401),
                        org.assertj.core.groups.Tuple.tuple("ci-token", "data", 202));
    }

    @Test
    void rowsOfATransactionAreWrittenWhenItCommitsAndNotBefore() {
        tx.executeWithoutResult(status -> {
            for (int i = 0; i < 5; i++) {
                audit.record(data, "POST", "/api/v1/apps", 202, "r" + i);
            }
            // Not even the transaction's own connection sees them: they wait for the commit.
            assertThat(count()).isZero();
        });

        assertThat(audit.list(null, 10))
                .extracting(AuditLog.Entry::requestId)
                .containsExactly("r4", "r3", "r2", "r1", "r0");
    }

    @Test
    void aRolledBackTransactionLeavesNoRowAndTheNextOneStartsEmpty() {
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
                    audit.record(data, "POST", "/api/v1/apps", 202, "lost");
                    throw new IllegalStateException("the app's insert failed");
                }))
                .hasMessage("the app's insert failed");
        tx.executeWithoutResult(status -> audit.record(data, "POST", "/api/v1/apps", 202, "kept"));

        assertThat(audit.list(null, 10)).extracting(AuditLog.Entry::requestId).containsExactly("kept");
    }

    private long count() {
        return jdbc.sql("select count(*) from audit_log").query(Long.class).single();
    }
}
