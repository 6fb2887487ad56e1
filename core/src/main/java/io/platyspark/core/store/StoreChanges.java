package io.platyspark.core.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What this process has heard of changes to the store's tables: a version per table that moves whenever a change
 * to it is announced on the channel {@value #CHANNEL} (migration V22's triggers send one for every committed change
 * to {@code api_tokens} and {@code clusters}, whoever made it), whenever this process changes the table itself
 * ({@link #changedAfterCommit(String)}), and whenever the listening connection is lost or regained (a notice may
 * have been missed meanwhile). {@link RecentReads} keeps a row only while its table's version stands still.
 *
 * <p>One thread holds one connection of its own, outside the pool, and waits on it for notices; every few seconds
 * it also asks the server something, so a server that stopped answering (frozen, or a network that drops packets
 * silently) is noticed within {@link #DEFAULT_CHECK_EVERY} plus the connection's network timeout, not never. The
 * thread starts with the first question asked of this object.
 */
public final class StoreChanges implements AutoCloseable {

    public static final String CHANNEL = "platy_store_changes";
    /** The {@code application_name} of the listening connection, as {@code pg_stat_activity} shows it. */
    public static final String APPLICATION_NAME = "platy-store-changes";

    static final Duration DEFAULT_CHECK_EVERY = Duration.ofSeconds(5);
    static final Duration DEFAULT_NETWORK_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private static final int WAIT_MILLIS = 250;
    private static final Logger log = LoggerFactory.getLogger(StoreChanges.class);

    /** Opens the connection the notices come on; it is held until it fails or this object is closed. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final Duration checkEvery;
    private final Duration networkTimeout;
    private final ConcurrentHashMap<String, AtomicLong> generations = new ConcurrentHashMap<>();
    // Moves on every loss and every (re)start of listening; a version is the sum of it and the table's generation,
    // two counters that only grow, so the sum stands still exactly when both do.
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean listening;
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile Thread thread;

    public StoreChanges(Connector connector) {
        this(connector, DEFAULT_CHECK_EVERY, DEFAULT_NETWORK_TIMEOUT);
    }

    /**
     * Asks the server something every {@code checkEvery} without a notice, and gives up on a connection that
     * answers nothing for {@code networkTimeout}.
     */
    StoreChanges(Connector connector, Duration checkEvery, Duration networkTimeout) {
        this.connector = connector;
        this.checkEvery = checkEvery;
        this.networkTimeout = networkTimeout;
    }

    /**
     * Listens with a connection of its own: a Hikari pool's URL and credentials open one beside the pool (a
     * connection held for good would count against the pool's size and its leak detection); any other data source
     * lends one of its connections.
     */
    public static StoreChanges listeningOn(DataSource dataSource) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
                if (hikari.getJdbcUrl() != null) {
                    return new StoreChanges(() -> {
                        Properties properties = new Properties();
                        properties.putAll(hikari.getDataSourceProperties());
                        properties.putIfAbsent("ApplicationName", APPLICATION_NAME);
                        if (hikari.getUsername() != null) {
                            properties.setProperty("user", hikari.getUsername());
                        }
                        if (hikari.getPassword() != null) {
                            properties.setProperty("password", hikari.getPassword());
                        }
                        return DriverManager.getConnection(hikari.getJdbcUrl(), properties);
                    });
                }
            }
        } catch (SQLException e) {
            log.debug("cannot look into the data source; lending one of its connections", e);
        }
        return new StoreChanges(dataSource::getConnection);
    }

    /** The table's version: it moves with every change heard of, and whenever a change may have gone unheard. */
    public long version(String table) {
        start();
        return epoch.get() + generation(table).get();
    }

    /** Whether notices are being heard now; while they are not, nothing read may be kept. */
    public boolean listening() {
        start();
        return listening;
    }

    /**
     * Records that this process changed {@code table}: at once, or when the current transaction commits if one is
     * open (a read made before the commit must not be kept as current). The trigger's notice follows anyway; this
     * makes the change visible to this process's next read without waiting for it.
     */
    public void changedAfterCommit(String table) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    changed(table);
                }
            });
        } else {
            changed(table);
        }
    }

    void changed(String table) {
        generation(table).incrementAndGet();
    }

    private AtomicLong generation(String table) {
        return generations.computeIfAbsent(table, t -> new AtomicLong());
    }

    private void start() {
        if (!started.get() && started.compareAndSet(false, true) && !closed) {
            Thread t = new Thread(this::run, "platy-store-changes");
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    private void run() {
        boolean warned = false;
        while (!closed) {
            try (Connection c = connector.connect()) {
                connection = c;
                c.setAutoCommit(true);
                c.setNetworkTimeout(Runnable::run, (int) networkTimeout.toMillis());
                try (Statement s = c.createStatement()) {
                    s.execute("listen " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                // Whatever was read before this moment may predate a change whose notice went to nobody.
                epoch.incrementAndGet();
                listening = true;
                if (warned) {
                    log.info("listening to the store's changes again");
                    warned = false;
                }
                listen(c, pg);
            } catch (SQLException | RuntimeException e) {
                if (!closed && !warned) {
                    log.atWarn()
                            .setCause(e)
                            .log("lost the store's change notices; reading tokens and clusters from the store "
                                    + "on every request until they are heard again");
                    warned = true;
                }
            } finally {
                listening = false;
                epoch.incrementAndGet();
                connection = null;
            }
            if (!closed) {
                try {
                    TimeUnit.MILLISECONDS.sleep(RETRY_AFTER.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void listen(Connection c, PGConnection pg) throws SQLException {
        long checkedAt = System.nanoTime();
        while (!closed) {
            PGNotification[] notices = pg.getNotifications(WAIT_MILLIS);
            if (notices != null) {
                for (PGNotification notice : notices) {
                    changed(notice.getParameter());
                }
            }
            if (System.nanoTime() - checkedAt >= checkEvery.toNanos()) {
                try (Statement s = c.createStatement()) {
                    s.execute("select 1");
                }
                checkedAt = System.nanoTime();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listening = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(WAIT_MILLIS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Connection c = connection;
            if (t.isAlive() && c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    log.debug("closing the change listener's connection", e);
                }
            }
        }
    }
}
