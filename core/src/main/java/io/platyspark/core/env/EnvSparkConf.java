package io.platyspark.core.env;

import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.cluster.Cluster;
import java.util.Map;

/**
 * How a built environment is shipped to Spark, the one place every backend takes it from: the way Spark's Python
 * package management docs describe, {@code spark.archives=<uri>#environment} so that Spark (YARN, Kubernetes,
 * standalone workers) unpacks it into each driver's and executor's working directory, and the interpreter inside
 * it, {@code ./environment/bin/python}, for both. The archive holds packages and a link to the nodes' interpreter
 * ({@link PythonTarget}); nothing here depends on where it was built.
 */
public class EnvSparkConf {

    /** The name the archive is unpacked under in each working directory. */
    public static final String ALIAS = "environment";
    /** The interpreter inside the unpacked archive, relative to a driver's or executor's working directory. */
    public static final String PYTHON = "./" + ALIAS + "/bin/python";

    /** The conf that runs an app with {@code env}; the cluster does not change it (kept for backends that may). */
    public Map<String, String> forRun(EnvBuild env, Cluster cluster) {
        return forArchive(env.uri());
    }

    /** The conf that ships the packed environment at {@code archiveUri} (any URI Spark can read). */
    public static Map<String, String> forArchive(String archiveUri) {
        return Map.of(
                "spark.archives", archiveUri + "#" + ALIAS,
                "spark.pyspark.python", PYTHON,
                // YARN cluster mode: the driver runs in the application master's container.
                "spark.yarn.appMasterEnv.PYSPARK_PYTHON", PYTHON,
                "spark.executorEnv.PYSPARK_PYTHON", PYTHON);
    }
}
