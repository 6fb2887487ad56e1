package io.platyspark.core.artifact;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where uploaded app sources and built environments are kept.
 *
 * @param localDir      the directory of the local store (the embedded mode; EMR uses the S3 bucket instead); unset,
 *                      {@code <java.io.tmpdir>/platy-artifacts}, which every server on the machine that leaves it
 *                      unset shares (bin/run-embedded gives each port its own)
 * @param maxUploadSize the largest artifact one upload may carry
 */
@Validated
@ConfigurationProperties("platy.artifacts")
public record ArtifactProperties(
        Path localDir, @DefaultValue("512MB") DataSize maxUploadSize) {

    public ArtifactProperties {
        if (localDir == null) {
            localDir = Path.of(System.getProperty("java.io.tmpdir"), "platy-artifacts");
        }
    }
}
