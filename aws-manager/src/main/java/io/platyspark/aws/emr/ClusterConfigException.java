package io.platyspark.aws.emr;

import java.util.List;

/** A cluster config failed validation; nothing was sent to AWS. */
public class ClusterConfigException extends RuntimeException {

    private final List<Violation> violations;

    public ClusterConfigException(List<Violation> violations) {
        super(violations.stream()
                .map(Violation::toString)
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid"));
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
