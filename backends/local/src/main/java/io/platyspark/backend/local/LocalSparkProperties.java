package io.platyspark.backend.local;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The local backend: Spark in local mode on the server's own machine.
 *
 * @param enabled           offer the {@code local} cluster and run its apps here (spark-server's own configuration
 *                          turns it on; the images turn it off)
 * @param sparkHome         a Spark distribution; when unset, {@code SPARK_HOME}, then the pyspark of {@code python}
 * @param python            the Python that runs PySpark drivers and workers (and whose pyspark is used)
 * @param workDir           where each app's output and exit status are kept (default: platy-local in the
 *                          system temp directory)
 * @param master            the Spark master URL passed to spark-submit
 * @param maxConcurrentApps apps beyond this wait in the queue: the machine is shared with the server
 * @param killGracePeriod   how long a killed app may take to stop before it is forced
 * @param uiHost            the host name put in Spark UI links (the server's name as its users reach it)
 */
@Validated
@ConfigurationProperties("platy.local")
public record LocalSparkProperties(
        @DefaultValue("false") boolean enabled,
        Path sparkHome,
        @DefaultValue("python3") String python,
        Path workDir,
        @DefaultValue("local[*]") @NotBlank String master,
        @DefaultValue("4") @Min(1) int maxConcurrentApps,
        @DefaultValue("10s") @DurationMin(millis = 0) Duration killGracePeriod,
        @DefaultValue("localhost") String uiHost) {

    public LocalSparkProperties {
        if (workDir == null) {
            workDir = Path.of(System.getProperty("java.io.tmpdir"), "platy-local");
        }
    }
}
