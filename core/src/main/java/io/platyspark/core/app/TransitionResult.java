package io.platyspark.core.app;

/**
 * What a compare-and-set did. When it was not applied, {@code current} is what is stored now, so a stale
 * caller learns the truth instead of overwriting it.
 */
public record TransitionResult(boolean applied, SparkApp current) {}
