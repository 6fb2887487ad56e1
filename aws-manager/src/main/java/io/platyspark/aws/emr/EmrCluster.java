package io.platyspark.aws.emr;

import java.time.Instant;
import java.util.Map;

/**
 * What EMR says of a cluster.
 *
 * @param state  EMR's state name ({@code STARTING ... TERMINATED_WITH_ERRORS})
 * @param reason the state change reason's message (with its code when there is one), null when none
 */
public record EmrCluster(
        String id,
        String name,
        String state,
        String reason,
        String masterDns,
        Map<String, String> tags,
        Instant createdAt) {

    public EmrCluster {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public boolean ready() {
        return "RUNNING".equals(state) || "WAITING".equals(state);
    }

    public boolean terminated() {
        return state != null && state.startsWith("TERMINATED");
    }
}
