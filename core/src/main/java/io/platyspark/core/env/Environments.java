package io.platyspark.core.env;

import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.backend.TargetPlatform;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where Python environments come from: built in this process ({@link EnvironmentService}), or asked of the
 * app-builder service over HTTP ({@link HttpEnvironments}) when spark-server runs without Python.
 */
public interface Environments {

    /** The spec with the platform's defaults (Python version, platform, index) filled in. */
    EnvSpec spec(List<String> requirements, String pythonVersion, TargetPlatform platform);

    /**
     * The spec for an app that runs on {@code target}'s nodes: built for their platform and Python, its interpreter
     * link pointing at theirs.
     */
    default EnvSpec spec(List<String> requirements, PythonTarget target) {
        return spec(requirements, target.pythonVersion(), target.platform()).forTarget(target);
    }

    /** The build serving this spec: existing, cached or newly queued. */
    EnvBuild request(EnvSpec spec, String team);

    Optional<EnvBuild> get(UUID id);

    /** Whether this builds environments at all ({@link #none()} does not). */
    default boolean builds() {
        return true;
    }

    /** For a server that builds no Python environments: the worker fails apps with requirements, saying so. */
    static Environments none() {
        return new Environments() {
            @Override
            public boolean builds() {
                return false;
            }

            @Override
            public EnvSpec spec(List<String> requirements, String pythonVersion, TargetPlatform platform) {
                throw new IllegalStateException("this server builds no Python environments (platy.env.enabled)");
            }

            @Override
            public EnvBuild request(EnvSpec spec, String team) {
                throw new IllegalStateException("this server builds no Python environments (platy.env.enabled)");
            }

            @Override
            public Optional<EnvBuild> get(UUID id) {
                return Optional.empty();
            }
        };
    }
}
