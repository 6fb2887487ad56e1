package io.platyspark.backend.livy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LivyLogsTest {

    @Test
    void aTracebacksFinalLineWinsOverLaterLinesThatMentionErrors() {
        List<String> log = List.of(
                "stdout: ",
                "rows: 3",
                "Traceback (most recent call last):",
                "  File \"/srv/jobs/a.py\", line 4, in <module>",
                "    raise ValueError(\"bad day\")",
                "ValueError: bad day",
                "26/03/01 INFO ShutdownHookManager: Shutdown hook called",
                "26/03/01 WARN SparkEnv: Exception while stopping the block manager (ignored)",
                "\nstderr: ");

        assertThat(LivyLogs.failureSummary(log)).isEqualTo("ValueError: bad day");
    }

    @Test
    void yarnDiagnosticsComeFirstAndAJvmErrorIsFoundWithoutATraceback() {
        assertThat(LivyLogs.failureSummary(List.of(
                        "stdout: ",
                        "Traceback (most recent call last):",
                        "ZeroDivisionError: division by zero",
                        "\nstderr: ",
                        "\nYARN Diagnostics: ",
                        "Application killed by user")))
                .isEqualTo("Application killed by user");
        assertThat(LivyLogs.failureSummary(List.of(
                        "stdout: ",
                        "Exception in thread \"main\" " + "java.lang.ClassNotFoundException: com.example.Main",
                        "26/03/01 INFO ShutdownHookManager: done",
                        "\nstderr: ")))
                .isEqualTo("Exception in thread \"main\" java.lang.ClassNotFoundException: " + "com.example.Main");
        assertThat(LivyLogs.failureSummary(List.of("stdout: ", "all good", "\nstderr: ")))
                .isNull();
    }
}
