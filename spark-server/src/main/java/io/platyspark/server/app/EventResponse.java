package io.platyspark.server.app;

import io.platyspark.core.SecretRedactor;
import io.platyspark.core.app.AppEvent;
import java.time.Instant;
import java.util.Map;

/** One state change of an app. */
record EventResponse(Instant at, String from, String to, String reason, String requestId) {

    static EventResponse of(AppEvent e, Map<String, String> appConf) {
        return new EventResponse(
                e.at(),
                e.fromState() == null ? null : e.fromState().name(),
                e.toState().name(),
                SecretRedactor.redactText(e.reason(), appConf),
                e.requestId());
    }
}
