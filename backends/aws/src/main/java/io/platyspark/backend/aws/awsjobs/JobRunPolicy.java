package io.platyspark.backend.aws.awsjobs;

import io.platyspark.core.InvalidFieldException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an admin allows on EMR on EKS or EMR Serverless: the release labels, the execution role of each team (the
 * IAM role its Spark pods run as: a team must never run as another's), and where logs go.
 *
 * @param releaseLabel          the release when a cluster config names none
 * @param allowedReleaseLabels  the releases a config may name (empty: only {@code releaseLabel})
 * @param executionRoles        per team, the role ARNs it may run as; the first is its default
 * @param defaultExecutionRole  the role of teams without an entry (null: such teams are refused)
 * @param logUri                the platform's log prefix ({@code s3://bucket/prefix}); a config may name another
 *                              prefix in one of {@code logBuckets}
 * @param logBuckets            the buckets a config's own {@code logUri} may be in (the platform's is always allowed)
 */
public record JobRunPolicy(
        String releaseLabel,
        List<String> allowedReleaseLabels,
        Map<String, List<String>> executionRoles,
        String defaultExecutionRole,
        String logUri,
        Set<String> logBuckets) {

    public JobRunPolicy {
        allowedReleaseLabels = allowedReleaseLabels == null ? List.of() : List.copyOf(allowedReleaseLabels);
        executionRoles = executionRoles == null ? Map.of() : Map.copyOf(executionRoles);
        logBuckets = logBuckets == null ? Set.of() : Set.copyOf(logBuckets);
    }

    public String releaseLabel(String field, String requested) {
        if (requested == null) {
            return releaseLabel;
        }
        List<String> allowed = allowedReleaseLabels.isEmpty() ? List.of(releaseLabel) : allowedReleaseLabels;
        if (!allowed.contains(requested)) {
            throw new InvalidFieldException(
                    field, "'" + requested + "' is not an allowed release; use one of " + allowed);
        }
        return requested;
    }

    public String executionRole(String field, String team, String requested) {
        List<String> roles = executionRoles.get(team);
        if (roles == null || roles.isEmpty()) {
            roles = defaultExecutionRole == null ? List.of() : List.of(defaultExecutionRole);
        }
        if (roles.isEmpty()) {
            throw new InvalidFieldException(
                    field,
                    "team '" + team + "' has no execution role; an admin sets one "
                            + "in the platform's execution-roles policy");
        }
        if (requested == null) {
            return roles.get(0);
        }
        if (!roles.contains(requested)) {
            throw new InvalidFieldException(
                    field, "team '" + team + "' may not run as '" + requested + "'; its roles are " + roles);
        }
        return requested;
    }

    public String logUri(String field, String requested) {
        if (requested == null) {
            return logUri;
        }
        String bucket = bucket(requested);
        if (bucket == null) {
            throw new InvalidFieldException(field, "must be an s3://bucket/prefix location");
        }
        if (!bucket.equals(bucket(logUri)) && !logBuckets.contains(bucket)) {
            throw new InvalidFieldException(
                    field,
                    "bucket '" + bucket + "' is not allowed for logs; use the " + "platform's " + logUri + " or one of "
                            + logBuckets);
        }
        return requested;
    }

    private static String bucket(String uri) {
        if (uri == null || !uri.startsWith("s3://") || uri.length() <= 5) {
            return null;
        }
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        return bucket.isBlank() ? null : bucket;
    }
}
