package io.platyspark.core.app;

/**
 * Told of every state change the store applies, inside the changing transaction's thread (after the row is
 * written): metrics and the per-change log line hang off this, so no caller can forget them.
 */
@FunctionalInterface
public interface AppStateListener {

    AppStateListener NONE = (app, from) -> {};

    /** {@code from} is null for a newly stored app. Must not throw and must not call back into the store. */
    void stateChanged(SparkApp app, AppState from);
}
