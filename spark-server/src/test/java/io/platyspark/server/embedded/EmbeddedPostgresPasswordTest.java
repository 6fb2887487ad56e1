package io.platyspark.server.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The embedded PostgreSQL asks for a password generated per data directory, also after a restart. */
class EmbeddedPostgresPasswordTest {

    @TempDir
    Path dataDir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EmbeddedPostgresAutoConfiguration.class));

    @Test
    void postgresWithoutThePasswordIsRefusedAndThePasswordSurvivesARestart() {
        AtomicReference<String> firstPassword = new AtomicReference<>();
        runner.withPropertyValues("platy.embedded-postgres.enabled=true", "platy.embedded-postgres.data-dir=" + dataDir)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    EmbeddedPostgresAutoConfiguration.Server server =
                            context.getBean(EmbeddedPostgresAutoConfiguration.Server.class);
                    Path passwordFile = dataDir.resolve(EmbeddedPostgresAutoConfiguration.PASSWORD_FILE);
                    assertThat(Files.readString(passwordFile).trim())
                            .isEqualTo(server.password())
                            .hasSize(48);
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
                            .isEqualTo("rw-------");
                    String url = server.postgres().getJdbcUrl("postgres", "postgres");

                    // Used to be accepted: initdb's "trust" let anyone on 127.0.0.1 in as the superuser.
                    assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")
                                    .close())
                            .isInstanceOf(SQLException.class);
                    assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "postgres")
                                    .close())
                            .isInstanceOf(SQLException.class);
                    try (Connection c = context.getBean(DataSource.class).getConnection()) {
                        assertThat(c.isValid(5)).isTrue();
                    }
                    firstPassword.set(server.password());
                });

        runner.withPropertyValues("platy.embedded-postgres.enabled=true", "platy.embedded-postgres.data-dir=" + dataDir)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(EmbeddedPostgresAutoConfiguration.Server.class)
                                    .password())
                            .isEqualTo(firstPassword.get());
                    try (Connection c = context.getBean(DataSource.class).getConnection()) {
                        assertThat(c.isValid(5)).isTrue();
                    }
                });
    }
}
