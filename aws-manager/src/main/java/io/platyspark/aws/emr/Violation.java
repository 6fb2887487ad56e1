package io.platyspark.aws.emr;

/** One thing wrong with a cluster config: where ({@code tags.team}, {@code instanceFleets.core...}) and what to do. */
public record Violation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
