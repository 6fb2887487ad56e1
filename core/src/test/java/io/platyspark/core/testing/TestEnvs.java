package io.platyspark.core.testing;

import io.platyspark.core.env.EnvBuildException;
import io.platyspark.core.env.EnvProperties;
import io.platyspark.core.env.EnvSpec;
import io.platyspark.core.env.PythonEnvBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.util.unit.DataSize;

/** Environment settings and a builder for tests of what is around a build, not the build itself. */
public final class TestEnvs {

    private TestEnvs() {}

    /** One build at a time, working in {@code workDir}, with the machine's python3. */
    public static EnvProperties properties(Path workDir) {
        return new EnvProperties(
                true,
                "python3",
                Map.of(),
                null,
                workDir,
                Duration.ofMinutes(1),
                1,
                DataSize.ofKilobytes(64),
                null,
                null);
    }

    /** A builder that builds nothing: every build it is given fails at once. */
    public static PythonEnvBuilder notBuilding(EnvProperties properties) {
        return new PythonEnvBuilder(properties) {
            @Override
            public BuiltEnv build(EnvSpec spec, Path output) {
                throw new EnvBuildException("not built in this test", "");
            }
        };
    }
}
