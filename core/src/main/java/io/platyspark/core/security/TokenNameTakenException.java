package io.platyspark.core.security;

/** An unrevoked token already has this name. */
public class TokenNameTakenException extends RuntimeException {

    public TokenNameTakenException(String name) {
        super("a token named '" + name + "' exists; revoke it first or pick another name");
    }
}
