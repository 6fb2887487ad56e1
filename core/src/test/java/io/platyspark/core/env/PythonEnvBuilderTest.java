package io.platyspark.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.core.backend.TargetPlatform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * Real builds with real pip against PyPI: the environment carries packages, the node supplies the interpreter.
 * Debian's {@code /usr/bin/python3.11} stands for a node's Python: another install, at another path, than the
 * builder's ({@code platy.test.python}, the project's venv on pyenv's 3.11).
 */
class PythonEnvBuilderTest {

    static final String PYTHON = System.getProperty("platy.test.python", "python3");
    /** The "node's" interpreter: Debian's own package, not the one the builder runs. */
    static final String NODE_PREFIX = "/usr";

    @TempDir
    Path dir;

    private PythonEnvBuilder builder() {
        return new PythonEnvBuilder(new EnvProperties(
                true,
                PYTHON,
                Map.of(),
                null,
                dir.resolve("work"),
                Duration.ofMinutes(10),
                1,
                DataSize.ofKilobytes(64),
                null,
                null));
    }

    private Path unpack(Path archive, String name) throws Exception {
        Path out = Files.createDirectories(dir.resolve(name));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", out.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(output).isZero();
        return out;
    }

    private static String run(Path env, String code) throws Exception {
        return run(env.resolve("bin/python").toString(), code);
    }

    private static String run(String python, String code) throws Exception {
        // A clean environment: nothing of the builder's venv (PATH, VIRTUAL_ENV, PYTHONPATH) leaks in.
        ProcessBuilder pb = new ProcessBuilder(python, "-c", code).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> !k.equals("HOME") && !k.equals("LANG"));
        pb.environment().put("PATH", "/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.strip();
    }

    @Test
    void anEnvironmentBuiltWithTheBuildersPythonRunsWithTheNodesInterpreterAtAnotherPath() throws Exception {
        PythonEnvBuilder builder = builder();
        String builderPrefix = run(PYTHON, "import sys; print(sys.base_prefix)");
        assertThat(builderPrefix)
                .as("the builder's Python is another install than the node's")
                .isNotEqualTo(NODE_PREFIX);
        assertThat(Files.isExecutable(Path.of("/usr/bin/python3.11")))
                .as("Debian's python3.11")
                .isTrue();
        String version = builder.defaultVersion();
        assertThat(version).isEqualTo("3.11");
        EnvSpec spec = new EnvSpec(List.of("numpy==2.1.3"), version, TargetPlatform.current(), null, NODE_PREFIX);

        PythonEnvBuilder.BuiltEnv built = builder.build(spec, dir.resolve("environment.tar.gz"));
        Path env = unpack(built.archive(), "fresh");

        assertThat(Files.readSymbolicLink(env.resolve("bin/python")))
                .as("the packed interpreter link names the target prefix")
                .isEqualTo(Path.of("/usr/bin/python3.11"));
        assertThat(Files.readString(env.resolve("pyvenv.cfg"))).contains("home = /usr/bin");
        String answer = run(
                env,
                "import sys, numpy; print(sys.base_prefix); print(numpy.__file__); "
                        + "print(int(numpy.arange(5).sum()))");
        List<String> lines = answer.lines().toList();
        assertThat(lines.get(0)).as("runs on the node's interpreter").isEqualTo(NODE_PREFIX);
        assertThat(lines.get(1)).as("numpy from the environment").startsWith(env.toString() + "/lib/python3.11/");
        assertThat(lines.get(2)).isEqualTo("10");
        assertThat(built.log()).contains("bin/python -> /usr/bin/python3.11");
    }

    @Test
    void anotherPythonAndPlatformThanTheBuildersGetsTheirWheelsAndTheirInterpreterLink() throws Exception {
        EnvSpec spec = new EnvSpec(List.of("markupsafe==2.1.5"), "3.9", TargetPlatform.AARCH64, null, "/usr");

        Path env = unpack(builder().build(spec, dir.resolve("arm.tar.gz")).archive(), "arm");

        assertThat(Files.readSymbolicLink(env.resolve("bin/python"))).isEqualTo(Path.of("/usr/bin/python3.9"));
        assertThat(Files.readString(env.resolve("pyvenv.cfg")))
                .contains("home = /usr/bin")
                .contains("version = 3.9");
        assertThat(wheelTags(env.resolve("lib/python3.9/site-packages")))
                .isNotEmpty()
                .allMatch(tag -> tag.startsWith("cp39-cp39-") && tag.endsWith("_aarch64"));
    }

    @Test
    void aPackageWithoutAWheelForTheTargetFailsTheBuildNamingIt() {
        // pyspark is published as an sdist only: no binary for any target.
        EnvSpec spec = new EnvSpec(List.of("pyspark==3.5.1"), "3.9", TargetPlatform.AARCH64, null, "/usr");

        assertThatThrownBy(() -> builder().build(spec, dir.resolve("none.tar.gz")))
                .isInstanceOf(EnvBuildException.class)
                .hasMessageContaining("no binary wheel of pyspark==3.5.1 for this platform and Python");
    }

    @Test
    void anIndexThatDoesNotAnswerIsSaidSoNotThatThePackageIsMissing() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        EnvSpec spec = new EnvSpec(
                List.of("six==1.16.0"),
                builder().defaultVersion(),
                TargetPlatform.current(),
                "http://127.0.0.1:" + closedPort + "/simple",
                NODE_PREFIX);

        assertThatThrownBy(() -> builder().build(spec, dir.resolve("unreachable.tar.gz")))
                .isInstanceOf(EnvBuildException.class)
                .hasMessageStartingWith("pip could not reach the package index (")
                .hasMessageContaining("Connection refused")
                .hasMessageNotContaining("could not find");
    }

    @Test
    void aCertificateTheBuilderDoesNotTrustIsNamedAsTheReason() {
        // pip's output in a container whose CA bundle lacks the TLS-intercepting proxy's certificate.
        String output = """
                $ python3 -m pip --python /tmp/env/bin/python install -r /tmp/requirements.txt
                WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after \
                connection broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] \
                certificate verify failed: self-signed certificate in certificate chain (_ssl.c:992)'))': /simple/six/
                ERROR: Could not find a version that satisfies the requirement six==1.16.0 (from versions: none)
                ERROR: No matching distribution found for six==1.16.0
                """;

        assertThat(PythonEnvBuilder.reason(output, "installing the requirements"))
                .startsWith("pip could not reach the package index (SSLError(")
                .contains("CERTIFICATE_VERIFY_FAILED")
                .doesNotContain("could not find");
        assertThat(PythonEnvBuilder.reason(
                        "ERROR: No matching distribution found for six==99\n", "installing the requirements"))
                .startsWith("pip could not find six==99");
    }

    /** The {@code Tag:} lines of every installed wheel's WHEEL file. */
    static List<String> wheelTags(Path sitePackages) throws Exception {
        try (Stream<Path> files = Files.walk(sitePackages)) {
            return files.filter(p -> p.getFileName().toString().equals("WHEEL")
                            && p.getParent().getFileName().toString().endsWith(".dist-info"))
                    .flatMap(p -> {
                        try {
                            return Files.readAllLines(p).stream();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .filter(line -> line.startsWith("Tag: "))
                    .map(line -> line.substring(5).strip())
                    .toList();
        }
    }
}
