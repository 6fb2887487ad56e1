package io.platyspark.core.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory Spark writes event logs into ({@code spark.eventLog.dir}), on a local disk or in an object store.
 * Names are relative to it; a rolling log's files are named {@code eventlog_v2_<app>/events_<n>_<app>}.
 */
public interface EventLogDirectory {

    /** The names under the directory that start with {@code prefix}, files inside sub-directories included. */
    List<String> list(String prefix) throws IOException;

    InputStream open(String name) throws IOException;

    /** A directory on this machine. */
    static EventLogDirectory local(Path dir) {
        return new EventLogDirectory() {
            @Override
            public List<String> list(String prefix) throws IOException {
                List<String> names = new ArrayList<>();
                try (Stream<Path> entries = Files.list(dir)) {
                    for (Path entry : (Iterable<Path>) entries::iterator) {
                        String name = entry.getFileName().toString();
                        if (!name.startsWith(prefix)) {
                            continue;
                        }
                        if (Files.isDirectory(entry)) {
                            try (Stream<Path> files = Files.list(entry)) {
                                files.forEach(f -> names.add(name + "/" + f.getFileName()));
                            } catch (UncheckedIOException e) {
                                throw e.getCause();
                            }
                        } else {
                            names.add(name);
                        }
                    }
                } catch (NoSuchFileException e) {
                    return List.of();
                }
                return names;
            }

            @Override
            public InputStream open(String name) throws IOException {
                return Files.newInputStream(dir.resolve(name));
            }

            @Override
            public String toString() {
                return dir.toString();
            }
        };
    }
}
