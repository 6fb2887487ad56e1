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
}
