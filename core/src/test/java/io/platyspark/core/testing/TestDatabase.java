package io.platyspark.core.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real PostgreSQL for tests: the server named by {@code PLATY_TEST_JDBC_URL} (with {@code PLATY_TEST_JDBC_USER}
 * and {@code PLATY_TEST_JDBC_PASSWORD}; the user must be allowed to create databases), otherwise one embedded
 * server per JVM. Every call hands out a fresh database, so tests never see each other's rows.
 */
public final class TestDatabase {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile Server server;

    private TestDatabase() {}

    /** A new, empty, migrated database. */
    public static DataSource newMigratedDataSource() {
        Database db = newDatabase();
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(db.url());
        dataSource.setUsername(db.user());
        dataSource.setPassword(db.password());
        dataSource.setMaximumPoolSize(8);
        // Each test gets its own database and pool: hold no idle connections, or a suite exhausts the server.
        dataSource.setMinimumIdle(0);
        dataSource.setIdleTimeout(10_000);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return dataSource;
    }

    /** Points a Spring test context at a new, empty database; Flyway in the context migrates it. */
    public static void register(DynamicPropertyRegistry registry) {
        Database db = newDatabase();
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
        registry.add("platy.embedded-postgres.enabled", () -> "false");
    }

    public static Database newDatabase() {
        Server s = server();
        String name = "platy_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(s.adminUrl(), s.user(), s.password());
                Statement st = c.createStatement()) {
            st.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create test database on " + s.adminUrl() + ": " + e.getMessage(), e);
        }
        return new Database(s.urlFor(name), s.user(), s.password());
    }

    private static Server server() {
        Server s = server;
        if (s == null) {
            synchronized (TestDatabase.class) {
                s = server;
                if (s == null) {
                    s = startServer();
                    server = s;
                }
            }
        }
        return s;
    }

    private static Server startServer() {
        String external = setting("PLATY_TEST_JDBC_URL");
        if (external != null) {
            String user = setting("PLATY_TEST_JDBC_USER");
            String password = setting("PLATY_TEST_JDBC_PASSWORD");
            return new Server(external, user == null ? "postgres" : user, password == null ? "" : password);
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "500")
                    .start();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    postgres.close();
                                } catch (IOException ignored) {
                                    // the JVM is going away
                                }
                            },
                            "embedded-postgres-stop"));
            return new Server(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL for tests", e);
        }
    }

    private static String setting(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }

    /** Where a test's database is. */
    public record Database(String url, String user, String password) {}

    private record Server(String adminUrl, String user, String password) {

        String urlFor(String database) {
            int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
            int query = adminUrl.indexOf('?', slash);
            return adminUrl.substring(0, slash + 1) + database + (query >= 0 ? adminUrl.substring(query) : "");
        }
    }
}
