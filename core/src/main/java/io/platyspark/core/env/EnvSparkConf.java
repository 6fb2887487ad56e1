package io.platyspark.core.env;

import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Spark conf that puts a built environment in use, as Spark's Python package management docs describe. On
 * YARN (Livy): {@code spark.archives=<uri>#environment} and the interpreter inside it for driver and executors. On
 * the local backend (client mode on this machine): the archive unpacked once into a local cache, its interpreter
 * for both.
 */
public class EnvSparkConf {

    private final ArtifactStore artifacts;
    private final Path cache;

    public EnvSparkConf(ArtifactStore artifacts, Path cache) {
        this.artifacts = artifacts;
        this.cache = cache;
    }

    public Map<String, String> forRun(EnvBuild env, Cluster cluster) {
        if (cluster.kind() == ClusterKind.LOCAL) {
            String python = unpacked(env).resolve("bin/python").toString();
            return Map.of("spark.pyspark.python", python, "spark.pyspark.driver.python", python);
        }
        return Map.of(
                "spark.archives", env.uri() + "#environment",
                "spark.pyspark.python", "./environment/bin/python",
                "spark.yarn.appMasterEnv.PYSPARK_PYTHON", "./environment/bin/python",
                "spark.executorEnv.PYSPARK_PYTHON", "./environment/bin/python");
    }

    private synchronized Path unpacked(EnvBuild env) {
        Path dir = cache.resolve(env.cacheKey());
        if (Files.isExecutable(dir.resolve("bin/python"))) {
            return dir;
        }
        try {
            Path partial = Files.createDirectories(cache).resolve(env.cacheKey() + ".partial");
            Files.createDirectories(partial);
            Path archive = partial.resolve("environment.tar.gz");
            try (InputStream in = artifacts.open(URI.create(env.uri()))) {
                Files.copy(in, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Process tar = new ProcessBuilder(List.of("tar", "-xzf", archive.toString(), "-C", partial.toString()))
                    .redirectErrorStream(true).start();
            if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                throw new IOException("tar could not unpack " + archive + ": "
                        + new String(tar.getInputStream().readAllBytes()));
            }
            Files.delete(archive);
            Files.move(partial, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack environment " + env.cacheKey() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
