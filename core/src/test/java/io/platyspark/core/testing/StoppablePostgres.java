package io.platyspark.core.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server of a test's own, which the test stops and starts again (same port, same data) to drill an
 * outage of the store. Separate from {@link TestDatabase}'s shared server, which other tests keep using.
 */
public final class StoppablePostgres implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private volatile EmbeddedPostgres server;

    private StoppablePostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    public static StoppablePostgres start() {
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            StoppablePostgres postgres = new StoppablePostgres(Files.createTempDirectory("platy-pg-outage"), port);
            postgres.startAgain();
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a PostgreSQL for the outage drill", e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** Stops the server (a fast shutdown: connections are cut); its data stays. */
    public synchronized void stop() {
        EmbeddedPostgres current = server;
        server = null;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts the server again on the same port with the same data. */
    public synchronized void startAgain() {
        if (server != null) {
            return;
        }
        try {
            server = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir.toFile())
                    .setCleanDataDirectory(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the PostgreSQL again on port " + port, e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
