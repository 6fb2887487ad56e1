package io.platyspark.core.cluster;

import io.platyspark.core.InvalidFieldException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * Checks the cluster configurations users send and knows the platform's presets. The EMR adapter validates
 * against the platform's defaults and instance policy before anything reaches AWS.
 */
public interface ClusterConfigs {

    /**
     * A user's config in canonical JSON, with the idle timeout it asks for.
     *
     * @param field the request field the config came in, for error messages ({@code config},
     *              {@code clusterConfig})
     * @throws InvalidFieldException naming the offending field inside the config
     */
    ValidConfig validate(String field, String json, String name, String team);

    /** The platform's preset for a kind of cluster ({@code SHARED}, {@code DEV}), when there is one. */
    Optional<ValidConfig> preset(ClusterKind kind, String name, String team);

    /** Whether this checks configs of that kind of cluster (EMR's: the shared, dedicated and dev clusters). */
    default boolean handles(ClusterKind kind) {
        return EnumSet.of(ClusterKind.SHARED, ClusterKind.DEDICATED, ClusterKind.DEV)
                .contains(kind);
    }

    /**
     * The configs of each provider (EMR, EMR on EKS, EMR Serverless…) as one: each kind is checked by the first that
     * handles it; a kind no enabled provider handles is refused by {@code fallback}.
     */
    static ClusterConfigs byKind(List<ClusterConfigs> providers, ClusterConfigs fallback) {
        return new ClusterConfigs() {
            private ClusterConfigs of(ClusterKind kind) {
                return providers.stream()
                        .filter(p -> p.handles(kind))
                        .findFirst()
                        .orElseGet(() -> {
                            if (fallback.handles(kind)) {
                                return fallback;
                            }
                            throw new InvalidFieldException(
                                    "kind",
                                    kind + " clusters are not enabled on this server (platy."
                                            + (kind == ClusterKind.EKS
                                                    ? "eks"
                                                    : kind.name().toLowerCase(java.util.Locale.ROOT))
                                            + ".enabled); choose another kind");
                        });
            }

            @Override
            public ValidConfig validate(String field, String json, String name, String team) {
                throw new UnsupportedOperationException("use validate(kind, …)");
            }

            @Override
            public ValidConfig validate(ClusterKind kind, String field, String json, String name, String team) {
                return of(kind).validate(kind, field, json, name, team);
            }

            @Override
            public Optional<ValidConfig> preset(ClusterKind kind, String name, String team) {
                return of(kind).preset(kind, name, team);
            }

            @Override
            public boolean handles(ClusterKind kind) {
                return true;
            }
        };
    }

    /** {@link #validate(String, String, String, String)} for a cluster of that kind. */
    default ValidConfig validate(ClusterKind kind, String field, String json, String name, String team) {
        return validate(field, json, name, team);
    }

    /**
     * A config that passed validation.
     *
     * @param capacityUnits what the cluster takes of its team's {@code maxCapacityUnits} quota, in the provider's
     *                      weighted units (EMR: instance-fleet weighted capacity); 0 for a provider that does not
     *                      measure it
     */
    record ValidConfig(String json, Duration idleTimeout, int capacityUnits) {

        public ValidConfig(String json, Duration idleTimeout) {
            this(json, idleTimeout, 0);
        }
    }

    /** For servers without a cluster provider: every config is refused with a message saying what to do. */
    ClusterConfigs NONE = new ClusterConfigs() {
        @Override
        public ValidConfig validate(String field, String json, String name, String team) {
            throw new InvalidFieldException(
                    field,
                    "this server creates no clusters (EMR is not enabled: "
                            + "platy.aws.enabled=false); register an existing cluster by its livyUrl instead, or run on "
                            + "an existing cluster");
        }

        @Override
        public Optional<ValidConfig> preset(ClusterKind kind, String name, String team) {
            return Optional.empty();
        }
    };
}
