package io.platyspark.core.app;

import java.time.Instant;
import java.util.UUID;

/** One recorded state change of an app. {@code fromState} is null for the creation event. */
public record AppEvent(
        long id, UUID appId, Instant at, AppState fromState, AppState toState, String reason, String requestId) {}
