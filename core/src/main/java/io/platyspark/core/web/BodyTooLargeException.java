package io.platyspark.core.web;

/** A request body grew past its limit while it was read. Unchecked on purpose: see {@link RequestSizeFilter}. */
public class BodyTooLargeException extends RuntimeException {

    public BodyTooLargeException(long maxBytes, String setting) {
        super(
                "the body is larger than the limit of " + maxBytes + " bytes (" + setting + "); send less, or split it",
                null,
                false,
                false);
    }
}
