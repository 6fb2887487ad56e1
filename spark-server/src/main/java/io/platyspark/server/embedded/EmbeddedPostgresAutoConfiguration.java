package io.platyspark.server.embedded;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Starts an embedded PostgreSQL and makes it the data source when {@code platy.embedded-postgres.enabled}.
 *
 * <p>Its {@code postgres} superuser gets a random password per data directory, kept in that directory
 * ({@value #PASSWORD_FILE}, mode 0600), and every connection must present it (scram-sha-256 in pg_hba.conf):
 * otherwise any local user or process could open the platform's database over 127.0.0.1 with no password.
 * initdb makes a "trust" setup, so a fresh directory is locked right after its first start.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnProperty(name = "platy.embedded-postgres.enabled", havingValue = "true")
@EnableConfigurationProperties(EmbeddedPostgresProperties.class)
public class EmbeddedPostgresAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresAutoConfiguration.class);
    static final String PASSWORD_FILE = "platy-postgres.password";
    private static final Pattern TRUST = Pattern.compile("\\btrust\\s*$", Pattern.MULTILINE);

    /** The running server and the password its data directory was given. */
    public record Server(EmbeddedPostgres postgres, String password) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }

    @Bean(destroyMethod = "close")
    Server embeddedPostgres(EmbeddedPostgresProperties properties) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (properties.port() > 0) {
                builder.setPort(properties.port());
            }
            Path dataDir;
            if (properties.dataDir() != null) {
                dataDir = properties.dataDir().toAbsolutePath();
                builder.setDataDirectory(dataDir.toFile()).setCleanDataDirectory(false);
            } else {
                dataDir = Files.createTempDirectory("platy-postgres-");
                builder.setDataDirectory(dataDir.toFile()).setCleanDataDirectory(true);
            }
            Path passwordFile = dataDir.resolve(PASSWORD_FILE);
            String password = Files.isRegularFile(passwordFile)
                    ? Files.readString(passwordFile, StandardCharsets.UTF_8).trim()
                    : null;
            if (password != null) {
                builder.setConnectConfig("password", password); // start-up's own readiness check logs in too
            }
            EmbeddedPostgres postgres = builder.start();
            if (password == null) {
                password = newPassword();
                writeOwnerOnly(passwordFile, password);
            }
            requirePassword(postgres, dataDir, password);
            log.info("embedded PostgreSQL listening on port {} (password in {})", postgres.getPort(), passwordFile);
            return new Server(postgres, password);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the embedded PostgreSQL's password: " + e.getMessage(), e);
        }
    }

    @Bean
    DataSource dataSource(Server server) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(server.postgres().getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        dataSource.setPassword(server.password());
        dataSource.setPoolName("platy-embedded");
        // As for an external database (spring.datasource.hikari.connection-timeout): an outage is answered in a
        // second, not after Hikari's 30 s default.
        dataSource.setConnectionTimeout(1000);
        return dataSource;
    }

    /**
     * Gives the superuser the password and makes pg_hba.conf ask for it. Idempotent, so a directory left half-way
     * (the password file written, pg_hba.conf not yet) is finished at the next start.
     */
    private static void requirePassword(EmbeddedPostgres postgres, Path dataDir, String password)
            throws IOException, SQLException {
        try (Connection c = postgres.getDatabase("postgres", "postgres").getConnection();
                Statement st = c.createStatement()) {
            st.execute("alter role postgres password '" + password + "'"); // hex only: nothing to escape
            Path hba = dataDir.resolve("pg_hba.conf");
            String conf = Files.readString(hba, StandardCharsets.UTF_8);
            if (TRUST.matcher(conf).find()) {
                Files.writeString(hba, TRUST.matcher(conf).replaceAll("scram-sha-256"), StandardCharsets.UTF_8);
                st.execute("select pg_reload_conf()");
            }
        }
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
