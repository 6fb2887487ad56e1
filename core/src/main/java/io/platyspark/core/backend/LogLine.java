package io.platyspark.core.backend;

/** One line of an app's output, marked with its stream. */
public record LogLine(LogStream stream, String text) {}
