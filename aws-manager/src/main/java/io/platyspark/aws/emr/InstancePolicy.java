package io.platyspark.aws.emr;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What users may ask for: instance types matching one of the patterns ({@code m5*.*}, {@code r6g.*}), a bound on
 * the weighted capacity of core and task fleets, and on EBS volume sizes.
 */
public record InstancePolicy(
        List<String> allowedInstanceTypes,
        int maxCoreCapacity,
        int maxTaskCapacity,
        int maxVolumeSizeGb,
        int maxVolumesPerNode) {

    public static final InstancePolicy PERMISSIVE = new InstancePolicy(List.of("*"), 1000, 1000, 16384, 8);

    public InstancePolicy {
        allowedInstanceTypes = List.copyOf(allowedInstanceTypes);
    }

    public boolean allows(String instanceType) {
        for (String glob : allowedInstanceTypes) {
            String regex = Pattern.quote(glob).replace("*", "\\E.*\\Q");
            if (instanceType.matches(regex)) {
                return true;
            }
        }
        return false;
    }
}
