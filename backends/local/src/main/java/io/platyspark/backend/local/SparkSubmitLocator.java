package io.platyspark.backend.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a Spark distribution: an explicit home, then {@code SPARK_HOME}, then the pyspark package installed in
 * the configured Python (pip's pyspark ships a complete Spark).
 */
public final class SparkSubmitLocator {

    private static final Logger log = LoggerFactory.getLogger(SparkSubmitLocator.class);

    private SparkSubmitLocator() {}

    public static Optional<Path> locateSparkHome(Path configured, String sparkHomeEnv, String python) {
        if (configured != null) {
            return Optional.of(configured).filter(SparkSubmitLocator::hasSparkSubmit);
        }
        if (sparkHomeEnv != null && !sparkHomeEnv.isBlank()) {
            Path fromEnv = Path.of(sparkHomeEnv);
            if (hasSparkSubmit(fromEnv)) {
                return Optional.of(fromEnv);
            }
            log.warn("SPARK_HOME={} has no bin/spark-submit; looking for pyspark in {}", sparkHomeEnv, python);
        }
        return pysparkHome(python).filter(SparkSubmitLocator::hasSparkSubmit);
    }

    private static boolean hasSparkSubmit(Path home) {
        return Files.isExecutable(home.resolve("bin").resolve("spark-submit"));
    }

    private static Optional<Path> pysparkHome(String python) {
        ProcessBuilder pb = new ProcessBuilder(
                        python, "-c", "import os, pyspark; print(os.path.dirname(os.path.realpath(pyspark.__file__)))")
                .redirectErrorStream(true);
        try {
            Process process = pb.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                log.info(
                        "no pyspark in {}: {}",
                        python,
                        out.lines().reduce((a, b) -> b).orElse(""));
                return Optional.empty();
            }
            return Optional.of(Path.of(out.lines().reduce((a, b) -> b).orElseThrow()));
        } catch (IOException e) {
            log.info("cannot run {} to look for pyspark: {}", python, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
