package io.platyspark.core.app;

import java.util.UUID;

/** No app with this id is stored. */
public class AppNotFoundException extends RuntimeException {

    private final UUID id;

    public AppNotFoundException(UUID id) {
        super("no app with id " + id);
        this.id = id;
    }

    public UUID id() {
        return id;
    }
}
