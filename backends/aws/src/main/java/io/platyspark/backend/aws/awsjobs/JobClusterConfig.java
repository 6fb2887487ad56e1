package io.platyspark.backend.aws.awsjobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.platyspark.core.InvalidFieldException;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The config of an EMR on EKS virtual cluster or an EMR Serverless application as the platform stores it (the
 * cluster's {@code config} column): what the request asked for, completed with the platform's policy (release,
 * execution role, log location), so that every job run on it is started from this record alone.
 *
 * @param virtualClusterId   EKS: an existing virtual cluster to register (the platform neither made it nor deletes
 *                           it); null: the platform creates one in {@code eksCluster}/{@code namespace}
 * @param eksCluster         EKS: the EKS cluster a platform-made virtual cluster lives in
 * @param namespace          EKS: its Kubernetes namespace
 * @param applicationId      Serverless: an existing application to register; null: the platform creates one
 * @param architecture       Serverless: {@code ARM64} or {@code X86_64}
 * @param maximumCapacity    Serverless: AWS's capacity limits ({@code cpu: "64 vCPU"}, {@code memory: "256 GB"})
 * @param idleTimeoutMinutes Serverless: AWS stops the application after this long without jobs
 * @param logUri             where job runs write their logs ({@code monitoringConfiguration}), an {@code s3://} prefix
 * @param tags               put on what the platform creates and on every job run; {@code team} is the owner's
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobClusterConfig(
        String virtualClusterId,
        String eksCluster,
        String namespace,
        String applicationId,
        String releaseLabel,
        String executionRoleArn,
        String logUri,
        String architecture,
        Map<String, String> maximumCapacity,
        Integer idleTimeoutMinutes,
        Map<String, String> tags) {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    public JobClusterConfig {
        maximumCapacity = maximumCapacity == null ? null : Map.copyOf(maximumCapacity);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** Reads a config; an unknown or mistyped field is a 400 naming it under {@code field}. */
    public static JobClusterConfig parse(String field, String json) {
        if (json == null || json.isBlank()) {
            return new JobClusterConfig(null, null, null, null, null, null, null, null, null, null, null);
        }
        try {
            return JSON.readValue(json, JobClusterConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidFieldException(
                    field + "." + e.getPropertyName(),
                    "is not a setting of this kind of " + "cluster; known: " + e.getKnownPropertyIds());
        } catch (JacksonException e) {
            String path = e.getPath().isEmpty() ? "" : "." + e.getPath().get(0).getPropertyName();
            throw new InvalidFieldException(field + path, "cannot be read: " + e.getOriginalMessage());
        }
    }

    /** Reads a config the platform stored itself. */
    public static JobClusterConfig stored(String json) {
        return parse("config", json);
    }

    public String json() {
        return JSON.writeValueAsString(this);
    }

    /** The tags with the owning team's and the platform's own. */
    public JobClusterConfig withTags(Map<String, String> extra) {
        Map<String, String> merged = new TreeMap<>(tags);
        merged.putAll(extra);
        return new JobClusterConfig(
                virtualClusterId,
                eksCluster,
                namespace,
                applicationId,
                releaseLabel,
                executionRoleArn,
                logUri,
                architecture,
                maximumCapacity,
                idleTimeoutMinutes,
                merged);
    }
}
