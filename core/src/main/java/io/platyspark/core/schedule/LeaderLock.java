package io.platyspark.core.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets one process at a time run a named task, with a PostgreSQL session advisory lock held on a connection of
 * its own for the length of the run. Several watchdogs (or cleaners) can run for availability; a run that finds
 * the lock taken is skipped, and a process that dies mid-run loses the lock with its connection.
 */
public class LeaderLock {

    private static final Logger log = LoggerFactory.getLogger(LeaderLock.class);

    private final DataSource dataSource;

    public LeaderLock(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs {@code task} if no other process is running the task of the same name.
     *
     * @return the task's result, or null when another process holds the lock
     */
    public <T> T runIfLeader(String name, Supplier<T> task) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (!call(connection, "select pg_try_advisory_lock(hashtext(?))", name)) {
                log.debug("'{}' is running in another process; skipping this run", name);
                return null;
            }
            try {
                return task.get();
            } finally {
                call(connection, "select pg_advisory_unlock(hashtext(?))", name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the '" + name + "' lock: " + e.getMessage(), e);
        }
    }

    private static boolean call(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
