package io.platyspark.core.security;

import io.platyspark.core.InvalidFieldException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Spark settings a user may not set: those that run code or read files on the hosts that run Spark (the
 * platform's own for the local backend, every team's on a shared cluster) rather than configure the app's work.
 * One deny-list of platform-owned settings, each with its reason (listed in docs/api.md); everything else,
 * tuning included ({@code spark.executor.memory}, {@code spark.sql.*}, {@code spark.dynamicAllocation.*}), is the
 * user's. The settings that name files ({@code spark.jars}, {@code spark.files}, ...) are not here: their entries
 * are held to the source rules by {@link LocationCanonicalizer} and {@link SourcePolicy}.
 *
 * <p>Only user-supplied settings are checked: the platform adds its own ({@code spark.pyspark.python},
 * {@code spark.archives} of a built environment, the YARN queue) after this check.
 */
public final class SparkSettingsPolicy {

    /** A platform-owned setting: an exact key, or every key under a prefix ending in '.'. */
    record Owned(String key, String reason) {

        /** Case-insensitively: Spark reads keys as written, but a variant must not slip past the list. */
        boolean matches(String setting) {
            String k = key.toLowerCase(Locale.ROOT);
            String s = setting.strip().toLowerCase(Locale.ROOT);
            return k.endsWith(".") ? s.startsWith(k) : s.equals(k);
        }
    }

    static final List<Owned> OWNED = List.of(
            new Owned(
                    "spark.driver.extraClassPath",
                    "puts files of the host on the driver's class path; "
                            + "ship jars with spark.jars (an upload or s3://)"),
            new Owned(
                    "spark.executor.extraClassPath",
                    "puts files of the host on the executors' class path; "
                            + "ship jars with spark.jars (an upload or s3://)"),
            new Owned("spark.driver.extraLibraryPath", "loads native libraries from the host"),
            new Owned("spark.executor.extraLibraryPath", "loads native libraries from the host"),
            new Owned("spark.yarn.am.extraLibraryPath", "loads native libraries from the host"),
            new Owned(
                    "spark.pyspark.python",
                    "names the Python interpreter executable; the platform sets it "
                            + "(use requirements and pythonVersion for the app's environment)"),
            new Owned(
                    "spark.pyspark.driver.python",
                    "names the Python interpreter executable; the platform sets "
                            + "it (use requirements and pythonVersion for the app's environment)"),
            new Owned(
                    "spark.plugins",
                    "instantiates plugin classes in the driver and every executor at start-up, "
                            + "before the app, with the host's own class path"),
            new Owned(
                    "spark.plugins.defaultList",
                    "instantiates plugin classes in the driver and every executor "
                            + "at start-up, before the app, with the host's own class path"),
            new Owned("spark.sql.hive.metastore.jars", "loads the Hive metastore client from jars of the host"),
            new Owned("spark.sql.hive.metastore.jars.", "loads the Hive metastore client from jars of the host"),
            new Owned("spark.jars.ivySettings", "makes spark-submit parse a file of the host"),
            new Owned("spark.jars.ivy", "makes spark-submit read and write an Ivy directory on the host"),
            new Owned(
                    "spark.jars.repositories",
                    "makes spark-submit fetch from arbitrary network addresses; "
                            + "the platform's repositories are configured by the operator"),
            new Owned("spark.yarn.keytab", "reads a Kerberos keytab from the host and acts as its principal"),
            new Owned("spark.yarn.principal", "acts as another Kerberos principal"),
            new Owned("spark.kerberos.", "reads Kerberos keytabs from the host and acts as their principals"),
            new Owned(
                    "spark.kubernetes.",
                    "Kubernetes pod templates, images and service accounts are the " + "platform's"),
            new Owned("spark.master", "the app's cluster decides where it runs (field cluster)"),
            new Owned("spark.submit.deployMode", "the app's backend decides how it is submitted"),
            new Owned("spark.eventLog.dir", "the platform writes and reads the event log for the app's metrics"),
            new Owned("spark.local.dir", "writes scratch files to any directory of the host"),
            new Owned("spark.driver.log.dfsDir", "writes the driver log to any directory"),
            new Owned("spark.redaction.regex", "the platform decides what Spark hides in its UI and logs"));

    /** Settings holding JVM options: checked option by option against {@link #SAFE_JVM_OPTION}. */
    static final List<String> JVM_OPTION_KEYS = List.of(
            "spark.driver.extraJavaOptions",
            "spark.executor.extraJavaOptions",
            "spark.driver.defaultJavaOptions",
            "spark.executor.defaultJavaOptions",
            "spark.yarn.am.extraJavaOptions");

    /**
     * JVM options a user may set: memory and stack sizes, {@code -XX:+Flag}/{@code -XX:-Flag} (not the
     * {@code Unlock*} ones), {@code -XX:Name=<number>} and {@code -Dname=value} without paths or URLs and not for
     * the JDK's own properties. Not {@code -javaagent}, {@code -agentpath}, {@code -agentlib},
     * {@code -XX:OnError=}, {@code -XX:OnOutOfMemoryError=}, {@code -Xbootclasspath}, {@code @argfiles}, ...
     */
    static final Pattern SAFE_JVM_OPTION = Pattern.compile("-X(?:mx|ms|ss|mn)[0-9]+[kKmMgG]?"
            + "|-XX:[+-](?!Unlock)[A-Za-z0-9]+"
            + "|-XX:(?!On)[A-Za-z0-9]+=[0-9]+[kKmMgG%]?"
            + "|-D(?!(?:java|javax|jdk|sun|com\\.sun|log4j|log4j2|logback|user\\.dir)(?:\\.|=))[A-Za-z0-9_.-]+"
            + "=[A-Za-z0-9_.:+,-]*");

    /** Environment variables of the Spark processes that load code or interpreters. */
    static final Pattern OWNED_ENV = Pattern.compile("(?i)LD_.*|DYLD_.*|.*JAVA_OPTIONS|JAVA_TOOL_OPTIONS"
            + "|PYSPARK_PYTHON|PYSPARK_DRIVER_PYTHON|PYTHONSTARTUP|PYTHONHOME|PYTHONPATH|SPARK_.*|HADOOP_.*"
            + "|CLASSPATH|PATH");

    private static final List<String> ENV_PREFIXES = List.of("spark.executorEnv.", "spark.yarn.appMasterEnv.");

    private SparkSettingsPolicy() {}

    /** Refuses the first platform-owned setting in {@code conf}, as {@code sparkConf[<key>]}. */
    public static void check(Map<String, String> conf) {
        new TreeMap<>(conf).forEach((key, value) -> {
            String problem = problem(key, value);
            if (problem != null) {
                throw new InvalidFieldException("sparkConf[" + key + "]", problem);
            }
        });
    }

    /** Why a user may not set {@code key} to {@code value}, or null when it may. */
    public static String problem(String key, String value) {
        String k = key.strip();
        for (Owned owned : OWNED) {
            if (owned.matches(k)) {
                return "is set by the platform, not by apps: it " + owned.reason() + " (see docs/api.md, "
                        + "'Spark settings')";
            }
        }
        if (k.toLowerCase(Locale.ROOT).endsWith(".discoveryscript")) {
            return "is set by the platform, not by apps: it runs a script of the host to find GPUs and other "
                    + "resources (see docs/api.md, 'Spark settings')";
        }
        if (JVM_OPTION_KEYS.stream().anyMatch(j -> j.equalsIgnoreCase(k))) {
            for (String option : (value == null ? "" : value).strip().split("[ \\t]+")) {
                if (!option.isEmpty() && !SAFE_JVM_OPTION.matcher(option).matches()) {
                    return "may hold only memory, -XX and -Dname=value options without paths; '" + option
                            + "' is refused (agents, OnError commands, class paths and files of the host are the "
                            + "platform's)";
                }
            }
        }
        for (String prefix : ENV_PREFIXES) {
            if (k.regionMatches(true, 0, prefix, 0, prefix.length())
                    && OWNED_ENV.matcher(k.substring(prefix.length())).matches()) {
                return "sets " + k.substring(prefix.length()) + ", which loads code or interpreters into the "
                        + "Spark processes; the platform sets it";
            }
        }
        return null;
    }
}
