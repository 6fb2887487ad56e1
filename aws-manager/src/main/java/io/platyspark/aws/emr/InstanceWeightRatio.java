package io.platyspark.aws.emr;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Instance types of a fleet and the capacity each counts for ({@code m5a.16xlarge → 6}). */
public final class InstanceWeightRatio {

    private final Map<String, Integer> weights = new LinkedHashMap<>();

    public InstanceWeightRatio addInstance(String instanceType, int weight) {
        if (instanceType == null || instanceType.isBlank()) {
            throw new IllegalArgumentException("instanceType is blank");
        }
        weights.put(instanceType, weight);
        return this;
    }

    public static InstanceWeightRatio of(Map<String, Integer> weights) {
        InstanceWeightRatio ratio = new InstanceWeightRatio();
        weights.forEach(ratio::addInstance);
        return ratio;
    }

    public Map<String, Integer> weights() {
        return Collections.unmodifiableMap(weights);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstanceWeightRatio other && weights.equals(other.weights);
    }

    @Override
    public int hashCode() {
        return weights.hashCode();
    }

    @Override
    public String toString() {
        return weights.toString();
    }
}
