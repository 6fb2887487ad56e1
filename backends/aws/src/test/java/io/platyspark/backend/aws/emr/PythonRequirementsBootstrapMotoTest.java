package io.platyspark.backend.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.ClusterConfigJson;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.aws.moto.MotoServer;
import io.platyspark.aws.s3.S3ArtifactStore;
import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.artifact.LocalArtifactStore;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.submit.SubmissionProperties;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.emr.model.Command;

/**
 * The bootstrap-script route: a config's {@code pythonRequirements} become an EMR bootstrap action pointing at a
 * script the platform uploaded to its artifact bucket (moto's S3 and EMR), installing exactly those requirements
 * with the nodes' interpreter.
 */
class PythonRequirementsBootstrapMotoTest {

    private final MotoServer moto = MotoServer.get();
    private final StoreFixture store = new StoreFixture(MutableClock.at("2026-01-01T10:00:00Z"));
    private final PlatformDefaults defaults = PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/");

    @TempDir
    Path tmp;

    private Cluster record(ClusterConfig config) {
        return store.clusters
                .getOrCreate(new NewCluster(
                        config.name(),
                        ClusterKind.DEDICATED,
                        "data",
                        ClusterConfigJson.write(config),
                        null,
                        ClusterState.STARTING))
                .cluster();
    }

    @Test
    void aConfigWithRequirementsGetsABootstrapActionRunningAnUploadedScriptThatInstallsExactlyThem() {
        String bucket = "artifacts-" + UUID.randomUUID().toString().substring(0, 8);
        var s3 = moto.clients().s3();
        s3.createBucket(r -> r.bucket(bucket));
        S3Artifacts artifacts =
                new S3Artifacts(new S3ArtifactStore(s3, moto.clients().s3Uploads(), bucket, "platy"));
        EmrClusterBackend backend = new EmrClusterBackend(
                new EmrClusters(moto.clients().emr()), defaults, EmrPythonProperties.defaults(), artifacts);
        List<String> requirements = List.of("tabulate==0.9.0", "requests>=2.31,<3", "numpy==1.26.4");
        ClusterConfig config = new ClusterConfig(
                        "with-reqs-" + UUID.randomUUID().toString().substring(0, 6), true)
                .withTag("team", "data")
                .withPythonRequirements(requirements);
        assertThat(ClusterConfigJson.parse(ClusterConfigJson.write(config), "x").pythonRequirements())
                .as("the JSON form carries them")
                .isEqualTo(requirements);

        String clusterId = backend.create(record(config)).externalId();

        var actions = moto.clients()
                .emr()
                .listBootstrapActions(r -> r.clusterId(clusterId))
                .bootstrapActions();
        assertThat(actions).extracting(Command::name).containsExactly(EmrClusterBackend.PYTHON_REQUIREMENTS_ACTION);
        URI script = URI.create(actions.get(0).scriptPath());
        assertThat(script.getScheme()).isEqualTo("s3");
        assertThat(script.getHost()).as("in the artifact bucket").isEqualTo(bucket);
        String text = new String(
                s3.getObjectAsBytes(r -> r.bucket(bucket).key(script.getPath().substring(1)))
                        .asByteArray(),
                StandardCharsets.UTF_8);
        assertThat(text)
                .startsWith("#!/bin/bash")
                .contains("set -euo pipefail")
                .as("the nodes' interpreter (EMR 7: /usr/bin/python3.9)")
                .contains("PYTHON='/usr/bin/python3.9'")
                .contains("\"$PYTHON\" -m pip install");
        assertThat(installed(text)).containsExactlyInAnyOrderElementsOf(requirements);
    }

    @Test
    void requirementsAreHeldToTheSameGrammarAsAnAppsAndNeedAnArtifactBucket() {
        EmrClusterConfigs configs = new EmrClusterConfigs(
                defaults,
                new SubmissionProperties(
                        true,
                        2,
                        10,
                        java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofSeconds(15),
                        5,
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofMinutes(1),
                        java.time.Duration.ofSeconds(15)));
        ClusterConfig bad = new ClusterConfig("bad-reqs", true)
                .withTag("team", "data")
                .withPythonRequirements(List.of("tabulate==0.9.0", "-r /etc/passwd"));
        assertThatThrownBy(() -> configs.validate("config", ClusterConfigJson.write(bad), "bad-reqs", "data"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("pip options are not accepted")
                .extracting(e -> ((InvalidFieldException) e).field())
                .isEqualTo("config.pythonRequirements[1]");

        EmrClusterBackend local = new EmrClusterBackend(
                new EmrClusters(moto.clients().emr()),
                defaults,
                EmrPythonProperties.defaults(),
                new LocalArtifactStore(tmp));
        ClusterConfig good = new ClusterConfig("no-bucket", true)
                .withTag("team", "data")
                .withPythonRequirements(List.of("tabulate==0.9.0"));
        assertThatThrownBy(() -> local.create(record(good)))
                .isInstanceOf(BackendRejectedException.class)
                .hasMessageContaining("platy.aws.artifact-bucket");
    }

    /** The quoted requirement lines of the script's pip install. */
    private static List<String> installed(String script) {
        String args = script.substring(script.indexOf("pip install"));
        Matcher m = Pattern.compile("^\\s+'([^']*)'", Pattern.MULTILINE).matcher(args);
        List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
