package io.platyspark.core.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code platy.api.refused}: API requests a per-token limit refused before they were served, by {@code reason}. One
 * meter for every limit, so each registers it with the same name and description.
 */
final class ApiRefusals {

    private ApiRefusals() {}

    static Counter counter(MeterRegistry meters, String reason) {
        return Counter.builder("platy.api.refused")
                .description("API requests refused before they were served")
                .tag("reason", reason)
                .register(meters);
    }
}
