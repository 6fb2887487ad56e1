package io.platyspark.core.backend;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where an app's Python environment will run: the nodes' CPU, their Python version and where that Python is
 * installed on them. An environment carries packages only; the node supplies the interpreter, so the packed
 * {@code bin/python} links to {@code <pythonPrefix>/bin/python<version>} and the wheels are chosen for this
 * platform and version. Cluster providers say what their nodes run
 * ({@link io.platyspark.core.backend.ClusterBackend#pythonTarget}).
 *
 * @param pythonPrefix the absolute prefix of the nodes' interpreter, e.g. {@code /usr} for {@code /usr/bin/python3.9}
 */
public record PythonTarget(TargetPlatform platform, String pythonVersion, String pythonPrefix) {

    private static final Pattern VERSION = Pattern.compile("3\\.[0-9]{1,2}");
    /** No spaces or shell characters: the prefix ends up in a symlink, pyvenv.cfg and scripts. */
    private static final Pattern PREFIX = Pattern.compile("/[A-Za-z0-9._+/-]*");

    public PythonTarget {
        Objects.requireNonNull(platform, "platform == null");
        checkVersion(pythonVersion, "pythonVersion");
        checkPrefix(pythonPrefix, "pythonPrefix");
    }

    /** The interpreter on the nodes that a packed environment runs, e.g. {@code /usr/bin/python3.9}. */
    public String interpreter() {
        return interpreter(pythonPrefix, pythonVersion);
    }

    public static String interpreter(String prefix, String version) {
        return (prefix.endsWith("/") ? prefix : prefix + "/") + "bin/python" + version;
    }

    public static void checkVersion(String version, String field) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException(field + " '" + version + "' must look like 3.11");
        }
    }

    public static void checkPrefix(String prefix, String field) {
        if (prefix == null || !PREFIX.matcher(prefix).matches() || prefix.contains("..")) {
            throw new IllegalArgumentException(field + " '" + prefix + "' must be an absolute path such as /usr");
        }
    }
}
