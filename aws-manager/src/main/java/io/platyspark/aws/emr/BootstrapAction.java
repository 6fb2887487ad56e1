package io.platyspark.aws.emr;

import java.util.List;

/** A script EMR runs on every node at start-up (e.g. the app-builder's pip-install script). */
public record BootstrapAction(String name, String path, List<String> args) {

    public BootstrapAction {
        args = args == null ? List.of() : List.copyOf(args);
    }
}
