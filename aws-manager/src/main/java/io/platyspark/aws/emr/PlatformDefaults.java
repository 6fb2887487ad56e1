package io.platyspark.aws.emr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every cluster gets unless its config says otherwise: network, roles, logs, release and applications, the
 * platform's classifications (Hive metastore, Iceberg, spark-defaults), the instance families of the presets, and
 * the instance policy user configs are checked against, and the buckets bootstrap scripts may come from (null: any).
 * User settings extend these; they never replace them.
 */
public record PlatformDefaults(
        String releaseLabel,
        List<String> applications,
        List<String> subnetIds,
        String masterSecurityGroup,
        String slaveSecurityGroup,
        String serviceAccessSecurityGroup,
        String serviceRole,
        String jobFlowRole,
        String logUri,
        String ec2KeyName,
        Map<String, Map<String, String>> configurations,
        Map<String, String> tags,
        List<String> gravitonInstanceTypes,
        List<String> x86InstanceTypes,
        InstancePolicy policy,
        List<String> bootstrapBuckets) {

    /** Defaults without a bucket rule for bootstrap scripts. */
    public PlatformDefaults(
            String releaseLabel,
            List<String> applications,
            List<String> subnetIds,
            String masterSecurityGroup,
            String slaveSecurityGroup,
            String serviceAccessSecurityGroup,
            String serviceRole,
            String jobFlowRole,
            String logUri,
            String ec2KeyName,
            Map<String, Map<String, String>> configurations,
            Map<String, String> tags,
            List<String> gravitonInstanceTypes,
            List<String> x86InstanceTypes,
            InstancePolicy policy) {
        this(
                releaseLabel,
                applications,
                subnetIds,
                masterSecurityGroup,
                slaveSecurityGroup,
                serviceAccessSecurityGroup,
                serviceRole,
                jobFlowRole,
                logUri,
                ec2KeyName,
                configurations,
                tags,
                gravitonInstanceTypes,
                x86InstanceTypes,
                policy,
                null);
    }

    public PlatformDefaults {
        bootstrapBuckets = bootstrapBuckets == null ? null : List.copyOf(bootstrapBuckets);
        applications = List.copyOf(applications);
        subnetIds = List.copyOf(subnetIds);
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        configurations.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        configurations = java.util.Collections.unmodifiableMap(copy);
        tags = Map.copyOf(tags);
        gravitonInstanceTypes = List.copyOf(gravitonInstanceTypes);
        x86InstanceTypes = List.copyOf(x86InstanceTypes);
        policy = policy == null ? InstancePolicy.PERMISSIVE : policy;
    }

    /** Sensible defaults for EMR 7 with Spark, Livy and Hive on the Glue catalog, Iceberg enabled. */
    public static PlatformDefaults emr7(List<String> subnetIds, String logUri) {
        Map<String, Map<String, String>> configurations = new LinkedHashMap<>();
        configurations.put(
                "spark-hive-site",
                Map.of(
                        "hive.metastore.client.factory.class",
                        "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory"));
        configurations.put("iceberg-defaults", Map.of("iceberg.enabled", "true"));
        configurations.put(
                "spark-defaults",
                Map.of(
                        "spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
                        "spark.dynamicAllocation.enabled", "true"));
        configurations.put("livy-conf", Map.of("livy.server.session.state-retain.sec", "3600s"));
        return new PlatformDefaults(
                "emr-7.5.0",
                List.of("Hadoop", "Spark", "Livy", "Hive"),
                subnetIds,
                null,
                null,
                null,
                "EMR_DefaultRole",
                "EMR_EC2_DefaultRole",
                logUri,
                null,
                configurations,
                Map.of("platform", "platyspark"),
                List.of("m6g.4xlarge", "m7g.4xlarge"),
                List.of("m5.4xlarge", "m5a.4xlarge"),
                InstancePolicy.PERMISSIVE);
    }
}
