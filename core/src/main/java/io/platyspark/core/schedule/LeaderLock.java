package io.platyspark.core.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets one process at a time run a named task (the watchdog's cycle, the cleaner's run), with a lease: a row in
 * {@code leader_leases} naming the holder, with an expiry the holder renews on a thread of its own while its task
 * runs. A holder that stalls (a long GC pause, a SIGSTOP, a frozen VM) stops renewing and loses the role one lease
 * later; the standby takes it over with a higher fencing token. Every write the task makes goes through a
 * connection that carries the token (see {@link FencingDataSource}), and the store refuses a write under a token
 * that is no longer current, so a stalled holder that wakes up cannot undo what its successor did.
 */
public class LeaderLock {

    private static final Logger log = LoggerFactory.getLogger(LeaderLock.class);
    private static final ThreadLocal<String> FENCE = new ThreadLocal<>();

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration lease;
    private final Duration renewEvery;
    private final String holder = "leader-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID();
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "platy-leader-renew");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param lease      how long the role holds without renewal: a stalled holder is replaced after at most this
     * @param renewEvery how often the holder renews while its task runs; well under {@code lease}
     */
    public LeaderLock(DataSource dataSource, Clock clock, Duration lease, Duration renewEvery) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.lease = lease;
        this.renewEvery = renewEvery;
    }

    /** The fence ("role#token") of the task running on this thread, or null outside a leader's task. */
    public static String currentFence() {
        return FENCE.get();
    }

    /**
     * Runs {@code task} if no other process holds the role of that name (or its holder's lease has run out).
     *
     * @return the task's result, or null when another process holds the role
     */
    public <T> T runIfLeader(String name, Supplier<T> task) {
        Long token = acquire(name);
        if (token == null) {
            log.debug("'{}' is held by another process; skipping this run", name);
            return null;
        }
        long every = Math.max(1, renewEvery.toMillis());
        ScheduledFuture<?> renewal =
                renewer.scheduleWithFixedDelay(() -> renew(name, token), every, every, TimeUnit.MILLISECONDS);
        String previous = FENCE.get();
        FENCE.set(name + "#" + token);
        try {
            return task.get();
        } finally {
            FENCE.set(previous);
            renewal.cancel(false);
            release(name, token);
        }
    }

    /** The new fencing token when this process now holds the role, or null when another holder's lease runs. */
    Long acquire(String name) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    // A holder frozen inside a write transaction holds the row: do not queue behind it.
                    s.execute("set local lock_timeout = '2s'");
                }
                Long token = null;
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into leader_leases (name, holder, token, expires_at) values (?, ?, 1, ?)
                        on conflict (name) do update
                            set holder = excluded.holder, expires_at = excluded.expires_at,
                                token = leader_leases.token + 1
                            where leader_leases.expires_at <= ? or leader_leases.holder = excluded.holder
                        returning token
                        """)) {
                    ps.setString(1, name);
                    ps.setString(2, holder);
                    ps.setTimestamp(3, Timestamp.from(clock.instant().plus(lease)));
                    ps.setTimestamp(4, Timestamp.from(clock.instant()));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            token = rs.getLong(1);
                        }
                    }
                }
                c.commit();
                return token;
            } catch (SQLException e) {
                c.rollback();
                if ("55P03".equals(e.getSQLState())) {
                    return null; // the row is locked by a write of the current holder: it is alive enough
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the '" + name + "' role: " + e.getMessage(), e);
        }
    }

    /** Extends the lease; false when the role has passed to another holder. */
    boolean renew(String name, long token) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "update leader_leases set expires_at = ? where name = ? and holder = ? and token = ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant().plus(lease)));
            ps.setString(2, name);
            ps.setString(3, holder);
            ps.setLong(4, token);
            if (ps.executeUpdate() == 1) {
                return true;
            }
            log.warn(
                    "lost the '{}' role (token {}) to another process; its remaining writes will be refused",
                    name,
                    token);
            return false;
        } catch (SQLException | RuntimeException e) {
            log.warn("could not renew the '{}' role: {}", name, e.toString());
            return false;
        }
    }

    private void release(String name, long token) {
        // Expired at once, so a standby need not wait for the lease after a run that ended normally.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "update leader_leases set expires_at = ? where name = ? and holder = ? and token = ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, name);
            ps.setString(3, holder);
            ps.setLong(4, token);
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            log.debug("could not release the '{}' role (it runs out with its lease): {}", name, e.toString());
        }
    }
}
