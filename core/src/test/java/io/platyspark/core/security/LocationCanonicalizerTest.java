package io.platyspark.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.core.InvalidFieldException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocationCanonicalizerTest {

    static final String SHA = "ab".repeat(32);

    @TempDir
    Path dir;

    @Test
    void everySpellingOfAnUploadReadsAsTheUpload() throws Exception {
        Path root = dir.toRealPath();
        Path upload = root.resolve("platy-artifacts/uploads/team-a/" + SHA + "/a.py");
        Files.createDirectories(upload.getParent());
        Files.writeString(upload, "print(1)");

        for (String spelling : List.of(
                root + "/platy-artifacts/upload%73/team-a/" + SHA + "/a.py",
                "file:" + root + "/platy-artifacts/upload%73/team-a/" + SHA + "/a.py",
                "file://" + root + "/platy-artifacts/./uploads//team-a/" + SHA + "/a.py",
                "FILE://localhost" + root + "/platy-artifacts/x/../uploads/team-a/" + SHA + "/%61.py")) {
            CanonicalLocation location = LocationCanonicalizer.canonical("source", spelling, false);
            assertThat(location.path()).as(spelling).isEqualTo(upload.toString());
            assertThat(location.isFile()).isTrue();
        }
        assertThat(LocationCanonicalizer.canonical("s3", "s3://b/platyspark/upload%73/team-a/" + SHA + "/./a.py", false)
                        .value())
                .isEqualTo("s3://b/platyspark/uploads/team-a/" + SHA + "/a.py");
    }

    @Test
    void aLocalFileIsKnownByItsRealPath() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);

        assertThat(LocationCanonicalizer.canonical("source", link + "/app.py", false)
                        .path())
                .isEqualTo(real.toRealPath().resolve("app.py").toString());
    }

    @Test
    void theCanonicalSpellingReadsAsItself() {
        for (String spelling : List.of(
                "/opt/apps/my%20app.py",
                "file:/opt/apps/my app.py".replace(" ", "%20"),
                "s3a://bucket/a/./b/../c%20d.py",
                "hdfs:///apps//x.py",
                "hdfs://alice:pw@nn:8020/apps/x.py")) {
            String once = LocationCanonicalizer.canonical("f", spelling, false).value();
            assertThat(LocationCanonicalizer.canonical("f", once, false).value())
                    .as(spelling)
                    .isEqualTo(once);
        }
        assertThat(LocationCanonicalizer.canonical("f", "file:/opt/apps/my%20app.py", false)
                        .value())
                .isEqualTo("file:/opt/apps/my%20app.py");
        assertThat(LocationCanonicalizer.canonical("f", "/opt/apps/my%20app.py", false)
                        .value())
                .isEqualTo("/opt/apps/my app.py");
    }

    @Test
    void opaqueAndOtherUnreadableLocationsAre400sNamingTheField() {
        for (String bad : List.of(
                "file:%2fetc%2fpasswd",
                "file:etc/passwd",
                "s3:bucket/a.py",
                "local:/etc/passwd",
                "https://example.com/a.py",
                "jobs/a.py",
                "/opt/apps/a.py%2c/etc/passwd",
                "/opt/apps/a.py,/etc/x",
                "/opt/apps/a.py?x",
                "/opt/apps/%252e%252e/x",
                "/opt/apps/%zz",
                "/opt/apps/%c3",
                "/../etc/passwd",
                "/opt/apps/a%0a.py",
                "/opt/apps/a\u2028.py",
                "s3:///a.py",
                "file://otherhost/etc/passwd",
                "/opt/apps/a.py#x",
                "s3://bucket")) {
            assertThatThrownBy(() -> LocationCanonicalizer.canonical("pyFiles[2]", bad, false))
                    .as(bad)
                    .isInstanceOf(InvalidFieldException.class)
                    .satisfies(
                            e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("pyFiles[2]"));
        }
    }

    @Test
    void fileSettingsAreRewrittenEntryByEntryKeepingArchiveAliases() {
        LocationCanonicalizer.AppLocations locations = LocationCanonicalizer.canonicalize(
                "s3://b/a.py",
                List.of("s3://b/x/../dep.zip"),
                Map.of("spark.archives", "s3://b/env.tar.gz#env, /opt/apps/./d.zip#d", "spark.executor.memory", "2g"));

        assertThat(locations.pyFiles()).containsExactly("s3://b/dep.zip");
        assertThat(locations.sparkConf())
                .containsEntry("spark.archives", "s3://b/env.tar.gz#env,/opt/apps/d.zip#d")
                .containsEntry("spark.executor.memory", "2g");
        assertThat(locations.all())
                .extracting(CanonicalLocation::field)
                .containsExactly("source", "pyFiles[0]", "sparkConf[spark.archives]", "sparkConf[spark.archives]");
    }

    @Test
    void thePolicySeesTheCanonicalForm() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root")).toRealPath();
        SourcePolicy policy = new SourcePolicy(List.of(root), java.util.Set.of("team-artifacts"), List.of());

        assertThatThrownBy(() -> policy.checkSource("source", root + "/%2e%2e/%2e%2e/etc/passwd"))
                .hasMessageContaining("outside the upload roots");
        assertThatThrownBy(() -> policy.checkSource("source", "s3://team-artifacts%2fx/a.py"))
                .isInstanceOf(InvalidFieldException.class);
        assertThat(policy.checkSource("source", "file:" + root + "/a%2epy")).isEqualTo("file:" + root + "/a.py");
    }
}
