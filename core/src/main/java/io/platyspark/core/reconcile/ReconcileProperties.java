package io.platyspark.core.reconcile;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reconcilers that keep recorded state true.
 *
 * @param enabled  run them in this process (the watchdog does; spark-server in the embedded mode)
 * @param interval the pause between two cycles
 */
@ConfigurationProperties("platy.reconcile")
public record ReconcileProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("5s") Duration interval) {
}
