package io.platyspark.bench;

import io.platyspark.core.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Bench databases with production settings. The tests' embedded PostgreSQL runs with {@code fsync=off} and
 * {@code synchronous_commit=off} (zonky's defaults, which {@code bin/run-embedded} inherits too): a commit then
 * costs nothing, which hides exactly what a submit pays. The bench starts a PostgreSQL server of its own with
 * PostgreSQL's defaults for both (on), and every bench database lives there, so a commit waits for its WAL flush
 * to this machine's disk as it does on a production server.
 */
final class BenchDatabase {

    private static volatile boolean started;

    private BenchDatabase() {}

    /**
     * Starts the bench's PostgreSQL (once per JVM, before any database is made) and points {@link TestDatabase}
     * at it. An external server given by {@code PLATY_TEST_JDBC_URL} is used as it is.
     */
    static synchronized void startServer() {
        if (started
                || System.getProperty("PLATY_TEST_JDBC_URL") != null
                || System.getenv("PLATY_TEST_JDBC_URL") != null) {
            return;
        }
        try {
            var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "500")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig(
                            "shared_preload_libraries",
                            // PLATY_BENCH_PG_PRELOAD=pg_stat_statements: to see what the statements cost
                            System.getenv().getOrDefault("PLATY_BENCH_PG_PRELOAD", ""));
            // PLATY_BENCH_PG_SETTINGS="name=value,name=value": other server settings, to try them
            for (String setting :
                    System.getenv().getOrDefault("PLATY_BENCH_PG_SETTINGS", "").split(",")) {
                int eq = setting.indexOf('=');
                if (eq > 0) {
                    builder.setServerConfig(
                            setting.substring(0, eq).trim(),
                            setting.substring(eq + 1).trim());
                }
            }
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres = builder.start();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    postgres.close();
                                } catch (java.io.IOException ignored) {
                                    // the JVM is going away
                                }
                            },
                            "bench-postgres-stop"));
            System.setProperty("PLATY_TEST_JDBC_URL", postgres.getJdbcUrl("postgres", "postgres"));
            System.setProperty("PLATY_TEST_JDBC_USER", "postgres");
            System.setProperty("PLATY_TEST_JDBC_PASSWORD", "");
            started = true;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not start the bench's PostgreSQL", e);
        }
    }

    /** A new database on the bench's server; {@code synchronous_commit=on} is also pinned on the database itself. */
    static TestDatabase.Database production() {
        startServer();
        TestDatabase.Database db = TestDatabase.newDatabase();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement st = c.createStatement()) {
            String name;
            try (ResultSet rs = st.executeQuery("select current_database()")) {
                rs.next();
                name = rs.getString(1);
            }
            st.execute("alter database \"" + name + "\" set synchronous_commit = on");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set production settings on " + db.url() + ": " + e, e);
        }
        return db;
    }

    /** What a new session on {@code db} runs with, for the report: the settings that decide a commit's cost. */
    static String settings(TestDatabase.Database db) {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("select current_setting('synchronous_commit'), current_setting('fsync'), "
                                + "current_setting('server_version'), current_setting('shared_buffers'), "
                                + "current_setting('max_wal_size'), current_setting('wal_compression')")) {
            rs.next();
            return "PostgreSQL " + rs.getString(3) + ", synchronous_commit=" + rs.getString(1) + ", fsync="
                    + rs.getString(2) + ", shared_buffers=" + rs.getString(4) + ", max_wal_size=" + rs.getString(5)
                    + ", wal_compression=" + rs.getString(6);
        } catch (SQLException e) {
            return "settings unreadable: " + e.getMessage();
        }
    }
}
