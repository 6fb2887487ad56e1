package io.platyspark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretRedactorTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "spark.hadoop.fs.s3a.secret.key",
                "spark.hadoop.fs.s3a.access.key",
                "spark.hadoop.fs.s3a.bucket.logs.secret.key",
                "spark.hadoop.fs.s3a.session.token",
                "spark.ssl.keyPassword",
                "spark.authenticate.secret",
                "spark.executorEnv.AWS_SECRET_ACCESS_KEY",
                "spark.executorEnv.AWS_ACCESS_KEY_ID",
                "spark.datasource.credentials",
                "spark.my.api-key",
                "spark.es.net.http.auth.pass",
                "spark.redis.auth",
                "spark.mongodb.passphrase",
                "spark.snowflake.sfPassword",
                "spark.hadoop.fs.azure.sas.token",
                "spark.cassandra.auth.password",
                "spark.kafka.sasl.jaas.config",
                "spark.ssl.keyStorePassword",
                "spark.app.secretKey",
                "spark.x.authToken",
                "spark.x.apiKey"
            })
    void secretKeysAreMasked(String key) {
        assertThat(SecretRedactor.redact(Map.of(key, "v4lue")).get(key)).isEqualTo(SecretRedactor.MASK);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "spark.executor.memory",
                "spark.sql.shuffle.partitions",
                "spark.yarn.queue",
                "spark.hadoop.fs.s3a.endpoint",
                "spark.executor.cores",
                "spark.driver.memory",
                "spark.executor.instances",
                "spark.dynamicAllocation.enabled",
                "spark.dynamicAllocation.maxExecutors",
                "spark.sql.adaptive.enabled",
                "spark.sql.keyspace",
                "spark.cassandra.connection.host",
                "spark.default.parallelism",
                "spark.serializer",
                "spark.kryo.registrator",
                "spark.sql.session.timeZone",
                "spark.speculation"
            })
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
        assertThat(SecretRedactor.redactArgs(List.of(
                        "--conf",
                        "spark.hadoop.fs.s3a.secret.key=S1",
                        "AWS_SECRET_ACCESS_KEY=S2",
                        "--api-key",
                        "S3",
                        "jdbc:oracle:thin:scott/S4@db:1521/x",
                        "--conf",
                        "spark.executor.memory=4g",
                        "date=2026-01-01")))
                .containsExactly(
                        "--conf",
                        "spark.hadoop.fs.s3a.secret.key=******",
                        "AWS_SECRET_ACCESS_KEY=******",
                        "--api-key",
                        "******",
                        "jdbc:oracle:thin:scott/******@db:1521/x",
                        "--conf",
                        "spark.executor.memory=4g",
                        "date=2026-01-01");
        assertThat(SecretRedactor.redact(Map.of("spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net", "S5")))
                .containsValue("******");
    }

    @Test
    void knownSecretValuesAreMaskedInFreeText() {
        assertThat(SecretRedactor.redactText(
                        "failed: bad key hunter22 for bucket",
                        Map.of("spark.hadoop.fs.s3a.secret.key", "hunter22", "spark.app.name", "bucket")))
                .isEqualTo("failed: bad key ****** for bucket");
    }

    @Test
    void passwordsInLocationsAreMaskedWhateverTheScheme() {
        assertThat(SecretRedactor.redactLocation("hdfs://alice:pw-123@nn:8020/apps/a.py"))
                .isEqualTo("hdfs://alice:******@nn:8020/apps/a.py");
        assertThat(SecretRedactor.redactValues(List.of("s3a://AKIA1:sEcReT+x@bucket/a.py", "hdfs://bob@nn/b.py")))
                .containsExactly("s3a://AKIA1:******@bucket/a.py", "hdfs://bob@nn/b.py");
        assertThat(SecretRedactor.redactLocation("s3a://AKIA1:wJal/rXU+tn/F@bucket/a.py"))
                .isEqualTo("s3a://AKIA1:******@bucket/a.py");
        assertThat(SecretRedactor.redactLocation("hdfs://nn:8020/apps/a.py")).isEqualTo("hdfs://nn:8020/apps/a.py");
        assertThat(SecretRedactor.redactValue("https://host:443/find?email=a@b.example"))
                .isEqualTo("https://host:443/find?email=a@b.example");
        assertThat(SecretRedactor.redactText("cannot read hdfs://alice:pw-123@nn/a.py: refused", Map.of()))
                .isEqualTo("cannot read hdfs://alice:******@nn/a.py: refused");
    }

    @Test
    void aMegabyteValueIsMaskedInLinearTime() {
        // The old URL pattern re-scanned the rest of the value from every letter: quadratic, minutes for this. The
        // bound is only what tells linear from quadratic on any machine; the speed itself is bin/bench's masking
        // figure, not a unit test's.
        String letters = "a".repeat(1_000_000);
        StringBuilder mixed = new StringBuilder();
        while (mixed.length() < 1_000_000) {
            mixed.append("hdfs://alice:pw@nn/a.py x://y:z password=p ")
                    .append("b".repeat(200))
                    .append(' ');
        }
        String urls = mixed.toString();
        String slashes = "x://y:z/".repeat(125_000); // a password-looking authority every 8 characters, no '@'

        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 5; i++) { // warm-up: the figure is for a running server, not the first call
                SecretRedactor.redactValue(letters);
                SecretRedactor.redactValue(urls);
                SecretRedactor.redactValue(slashes);
            }
            String maskedLetters = SecretRedactor.redactValue(letters);
            String maskedUrls = SecretRedactor.redactValue(urls);
            String maskedSlashes = SecretRedactor.redactValue(slashes);

            assertThat(maskedLetters).isEqualTo(letters);
            assertThat(maskedSlashes).isEqualTo(slashes);
            assertThat(maskedUrls).doesNotContain(":pw@", "password=p ").contains("hdfs://alice:******@nn/a.py");
        });
    }

    @Test
    void textBeyondTheScanBoundIsNotShown() {
        String huge = "x".repeat(SecretRedactor.MAX_SCANNED) + "password=tail-secret";

        assertThat(SecretRedactor.redactValue(huge))
                .doesNotContain("tail-secret")
                .endsWith("not shown]");
        assertThat(SecretRedactor.redactText(huge, Map.of())).doesNotContain("tail-secret");
    }
}
