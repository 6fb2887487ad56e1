package io.platyspark.core.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The record of every mutating API call. */
public class AuditLog {

    /** A request attribute: the call's audit row is already written (with what it changed), not to write again. */
    public static final String RECORDED = AuditLog.class.getName() + ".recorded";

    private final JdbcClient jdbc;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Records one call. Inside a transaction the row is written when the transaction commits, with every other row
     * recorded in it, in one statement (a group of submits records one per app), and not at all if it rolls back.
     */
    public void record(Caller caller, String method, String path, int status, String requestId) {
        // Not written yet: no id (0) until the insert.
        Entry row = new Entry(
                0,
                clock.instant(),
                caller == null ? "anonymous" : caller.subject(),
                caller == null ? null : caller.team(),
                caller != null && caller.admin(),
                method,
                path,
                status,
                requestId);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            rowsOfThisTransaction().add(row);
        } else {
            insert(List.of(row));
        }
    }

    private List<Entry> rowsOfThisTransaction() {
        @SuppressWarnings("unchecked")
        List<Entry> rows = (List<Entry>) TransactionSynchronizationManager.getResource(this);
        if (rows != null) {
            return rows;
        }
        List<Entry> fresh = new ArrayList<>();
        TransactionSynchronizationManager.bindResource(this, fresh);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                insert(fresh);
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(AuditLog.this);
            }
        });
        return fresh;
    }

    private void insert(List<Entry> rows) {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder(
                "insert into audit_log (at, actor, team, admin, method, path, status, request_id) values ");
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Entry row = rows.get(i);
            sql.append(i == 0 ? "" : ", ")
                    .append("(:at%1$d, :actor%1$d, :team%1$d, :admin%1$d, :method%1$d, :path%1$d, :status%1$d, "
                            .formatted(i))
                    .append(":requestId%d)".formatted(i));
            params.put("at" + i, Timestamp.from(row.at()));
            params.put("actor" + i, row.actor());
            params.put("team" + i, row.team());
            params.put("admin" + i, row.admin());
            params.put("method" + i, row.method());
            params.put("path" + i, row.path());
            params.put("status" + i, row.status());
            params.put("requestId" + i, row.requestId());
        }
        jdbc.sql(sql.toString()).params(params).update();
    }

    /** Newest first; {@code beforeId} pages backwards (null for the newest). */
    public List<Entry> list(Long beforeId, int limit) {
        return jdbc.sql("""
                select * from audit_log where (cast(:before as bigint) is null or id < :before)
                order by id desc limit :limit
                """)
                .param("before", beforeId)
                .param("limit", limit)
                .query((rs, n) -> new Entry(
                        rs.getLong("id"),
                        rs.getTimestamp("at").toInstant(),
                        rs.getString("actor"),
                        rs.getString("team"),
                        rs.getBoolean("admin"),
                        rs.getString("method"),
                        rs.getString("path"),
                        rs.getInt("status"),
                        rs.getString("request_id")))
                .list();
    }

    /** One audited call. */
    public record Entry(
            long id,
            Instant at,
            String actor,
            String team,
            boolean admin,
            String method,
            String path,
            int status,
            String requestId) {}
}
