package io.platyspark.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretRedactorTest {

    @ParameterizedTest
    @ValueSource(strings = {"spark.hadoop.fs.s3a.secret.key", "spark.hadoop.fs.s3a.access.key",
            "spark.hadoop.fs.s3a.bucket.logs.secret.key", "spark.hadoop.fs.s3a.session.token",
            "spark.ssl.keyPassword", "spark.authenticate.secret", "spark.executorEnv.AWS_SECRET_ACCESS_KEY",
            "spark.executorEnv.AWS_ACCESS_KEY_ID", "spark.datasource.credentials", "spark.my.api-key"})
    void secretKeysAreMasked(String key) {
        assertThat(SecretRedactor.redact(Map.of(key, "v4lue")).get(key)).isEqualTo(SecretRedactor.MASK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"spark.executor.memory", "spark.sql.shuffle.partitions", "spark.yarn.queue",
            "spark.hadoop.fs.s3a.endpoint"})
    void ordinaryKeysAreKept(String key) {
        assertThat(SecretRedactor.redact(Map.of(key, "v")).get(key)).isEqualTo("v");
    }

    @Test
    void credentialsInsideValuesAreMasked() {
        assertThat(SecretRedactor.redactValue("jdbc:postgresql://db:5432/x?user=etl&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/x?user=etl&password=******&ssl=true");
        assertThat(SecretRedactor.redactValue("jdbc:sqlserver://db;user=etl;password=hunter2;"))
                .isEqualTo("jdbc:sqlserver://db;user=etl;password=******;");
        assertThat(SecretRedactor.redactValue("https://etl:hunter2@repo.internal/simple"))
                .isEqualTo("https://etl:******@repo.internal/simple");
    }

    @Test
    void secretArgumentsAreMaskedInBothForms() {
        assertThat(SecretRedactor.redactArgs(List.of("--db-password", "hunter2", "--token=abc", "--day", "1")))
                .containsExactly("--db-password", "******", "--token=******", "--day", "1");
    }

    @Test
    void secretKeyValueArgumentsOracleUrlsAndAzureAccountKeysAreMasked() {
        assertThat(SecretRedactor.redactArgs(List.of("--conf", "spark.hadoop.fs.s3a.secret.key=S1",
                "AWS_SECRET_ACCESS_KEY=S2", "--api-key", "S3", "jdbc:oracle:thin:scott/S4@db:1521/x",
                "--conf", "spark.executor.memory=4g", "date=2026-01-01")))
                .containsExactly("--conf", "spark.hadoop.fs.s3a.secret.key=******", "AWS_SECRET_ACCESS_KEY=******",
                        "--api-key", "******", "jdbc:oracle:thin:scott/******@db:1521/x",
                        "--conf", "spark.executor.memory=4g", "date=2026-01-01");
        assertThat(SecretRedactor.redact(Map.of(
                "spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net", "S5")))
                .containsValue("******");
    }

    @Test
    void knownSecretValuesAreMaskedInFreeText() {
        assertThat(SecretRedactor.redactText("failed: bad key hunter22 for bucket",
                Map.of("spark.hadoop.fs.s3a.secret.key", "hunter22", "spark.app.name", "bucket")))
                .isEqualTo("failed: bad key ****** for bucket");
    }
}
