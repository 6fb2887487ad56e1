package io.platyspark.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.platyspark.core.SecretRedactor;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppStateListener;
import io.platyspark.core.app.SparkApp;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts submissions and endings per team, times submit → running, and writes one structured log line per state
 * change (app id, request id, old and new state, reason), whichever process made the change.
 */
public class AppStateMetrics implements AppStateListener {

    private static final Logger log = LoggerFactory.getLogger("io.platyspark.state");

    private final MeterRegistry meters;

    public AppStateMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void stateChanged(SparkApp app, AppState from) {
        try {
            // The reason may quote a source URI or a backend message holding credentials.
            String reason = SecretRedactor.redactText(app.stateReason(), app.sparkConf());
            log.atInfo()
                    .addKeyValue("appId", app.id())
                    .addKeyValue("requestId", app.requestId())
                    .addKeyValue("team", app.team())
                    .addKeyValue("cluster", app.clusterName())
                    .addKeyValue("from", from)
                    .addKeyValue("to", app.state())
                    .addKeyValue("reason", reason)
                    .log(
                            "app {} {} -> {}{}",
                            app.id(),
                            from == null ? "new" : from,
                            app.state(),
                            reason == null ? "" : ": " + reason);
            if (from == null) {
                meters.counter("platy.apps.submitted", "team", app.team()).increment();
            }
            if (app.state() == AppState.RUNNING && app.startedAt() != null) {
                Timer.builder("platy.apps.start.delay")
                        .description("From acceptance to RUNNING")
                        .tag("backend", String.valueOf(app.backend()))
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(100))
                        .maximumExpectedValue(Duration.ofHours(1))
                        .register(meters)
                        .record(Duration.between(app.createdAt(), app.startedAt()));
            }
            if (app.state().isTerminal()) {
                meters.counter(
                                "platy.apps.finished",
                                "team",
                                app.team(),
                                "state",
                                app.state().name())
                        .increment();
            }
        } catch (RuntimeException e) {
            // Metrics never break a state change.
            log.debug("could not record metrics for app {}: {}", app.id(), e.toString());
        }
    }
}
