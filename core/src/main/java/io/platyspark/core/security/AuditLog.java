package io.platyspark.core.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

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

    public void record(Caller caller, String method, String path, int status, String requestId) {
        jdbc.sql("""
                insert into audit_log (at, actor, team, admin, method, path, status, request_id)
                values (:at, :actor, :team, :admin, :method, :path, :status, :requestId)
                """)
                .param("at", Timestamp.from(clock.instant()))
                .param("actor", caller == null ? "anonymous" : caller.subject())
                .param("team", caller == null ? null : caller.team())
                .param("admin", caller != null && caller.admin())
                .param("method", method)
                .param("path", path)
                .param("status", status)
                .param("requestId", requestId)
                .update();
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
