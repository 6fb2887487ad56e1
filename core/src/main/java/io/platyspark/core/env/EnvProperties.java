package io.platyspark.core.env;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Python environments for apps with requirements.
 *
 * @param enabled              build environments in this process (spark-server in the embedded mode, app-builder)
 * @param python               the builder's Python (with venv-pack installed); its version is the default
 * @param pythons              more interpreters by version, e.g. {@code 3.10: /usr/bin/python3.10}
 * @param indexUrl             the package index pip uses (unset: PyPI, or pip's configuration)
 * @param workDir              where builds run (one temporary directory each)
 * @param buildTimeout         a build taking longer is stopped and fails
 * @param maxConcurrentBuilds  builds at once; the rest wait in order
 * @param logLimit             how much of a build's output is kept with it (the end of it)
 * @param builderUrl           the app-builder service to ask for environments instead of building here
 * @param builderToken         the API token spark-server presents to it (a service token)
 */
@Validated
@ConfigurationProperties("platy.env")
public record EnvProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("python3") @NotBlank String python,
        @DefaultValue({}) Map<String, String> pythons,
        String indexUrl,
        Path workDir,
        @DefaultValue("15m") @DurationMin(millis = 1) Duration buildTimeout,
        @DefaultValue("2") @Min(1) int maxConcurrentBuilds,
        @DefaultValue("64KB") DataSize logLimit,
        java.net.URI builderUrl,
        String builderToken) {

    public EnvProperties {
        if (workDir == null) {
            workDir = Path.of(System.getProperty("java.io.tmpdir"), "platy-envs");
        }
    }
}
