package io.platyspark.core.backend;

/** Which stream a log line came from. */
public enum LogStream {
    STDOUT,
    STDERR,
    /** The cluster manager's own words, e.g. YARN diagnostics. */
    DIAGNOSTICS
}
