package io.platyspark.core.web;

import io.platyspark.core.security.Caller;

/**
 * The {@link Caller} of the request being served, from Spring Security's authentication. Core's default reads the
 * platform's own tokens; an app that also accepts other credentials (spark-server's JWTs) provides its own.
 */
@FunctionalInterface
public interface CurrentCaller {

    /** The caller, or null when the request is not authenticated. */
    Caller current();
}
