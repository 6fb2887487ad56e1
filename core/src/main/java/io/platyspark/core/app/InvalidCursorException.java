package io.platyspark.core.app;

/** A page cursor that this server did not hand out. */
public class InvalidCursorException extends RuntimeException {

    public InvalidCursorException(String cursor) {
        super("cursor '" + (cursor.length() > 64 ? cursor.substring(0, 64) + "..." : cursor)
                + "' is not one this server returned; start again without a cursor");
    }
}
