package io.platyspark.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.core.InvalidFieldException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcePolicyTest {

    @TempDir
    Path root;

    private SourcePolicy policy() {
        return new SourcePolicy(
                List.of(root),
                Set.of("team-artifacts"),
                List.of("livy.internal", "*.emr.internal", "10.20.0.0/16", "fd00::/8"));
    }

    @Test
    void localSourcesMustResolveInsideARoot() throws Exception {
        Path app = Files.writeString(root.resolve("app.py"), "print(1)");
        Path escape = Files.createSymbolicLink(root.resolve("passwd.py"), Path.of("/etc/passwd"));

        assertThat(policy().checkSource("source", app.toString())).isEqualTo(app.toString());
        assertThat(policy().checkSource("source", "file:" + app)).isEqualTo("file:" + app);
        assertThatThrownBy(() -> policy().checkSource("source", root + "/../../etc/passwd"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("outside the upload roots");
        assertThatThrownBy(() -> policy().checkSource("source", escape.toString()))
                .as("a symbolic link out of the root")
                .isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void remoteSourcesNeedAnAllowedBucketOrTheClustersOwnStorage() {
        assertThat(policy().checkSource("source", "s3://team-artifacts/a.py")).isNotNull();
        assertThat(policy().checkSource("source", "hdfs:///apps/a.py")).isNotNull();
        assertThatThrownBy(() -> policy().checkSource("source", "s3a://other/a.py"))
                .hasMessageContaining("bucket 'other' is not allowed");
        assertThatThrownBy(() -> policy().checkSource("source", "https://example.com/a.py"))
                .hasMessageContaining("scheme 'https:'");
    }

    @Test
    void livyUrlsMustPointAtAllowedHostsOrNetworks() {
        assertThat(policy().checkLivyUrl("livyUrl", "http://livy.internal:8998"))
                .isNotNull();
        assertThat(policy().checkLivyUrl("livyUrl", "http://ip-10-20-1-5.emr.internal:8998"))
                .isNotNull();
        assertThat(policy().checkLivyUrl("livyUrl", "http://10.20.3.4:8998")).isNotNull();
        assertThat(policy().checkLivyUrl("livyUrl", "http://[fd00::1]:8998")).isNotNull();
        for (String bad : List.of(
                "http://169.254.169.254/",
                "http://10.21.0.1:8998",
                "http://evil.com:8998",
                "http://emr.internal.evil.com:8998",
                "file:///etc/passwd",
                "http://u:p@livy.internal:8998")) {
            assertThatThrownBy(() -> policy().checkLivyUrl("livyUrl", bad))
                    .as(bad)
                    .isInstanceOf(InvalidFieldException.class)
                    .satisfies(
                            e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("livyUrl"));
        }
    }

    @Test
    void sparkMasterUrlsFollowTheSameHostAllowList() {
        assertThat(policy().checkSparkMasterUrl("sparkMasterUrl", "spark://10.20.3.4:7077")
                        .toString())
                .isEqualTo("spark://10.20.3.4:7077");
        assertThat(policy().checkSparkMasterUrl("sparkMasterUrl", "spark://livy.internal:7077"))
                .isNotNull();
        for (String bad : List.of(
                "spark://evil.com:7077",
                "spark://169.254.169.254:7077",
                "http://10.20.3.4:7077",
                "spark://10.20.3.4",
                "spark://u:p@10.20.3.4:7077",
                "spark://10.20.3.4:7077/x",
                "local[*]")) {
            assertThatThrownBy(() -> policy().checkSparkMasterUrl("sparkMasterUrl", bad))
                    .as(bad)
                    .isInstanceOf(InvalidFieldException.class)
                    .satisfies(
                            e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("sparkMasterUrl"));
        }
    }
}
