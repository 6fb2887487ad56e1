package io.platyspark.core.env;

import io.platyspark.core.SecretRedactor;
import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.backend.TargetPlatform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a relocatable Python environment (venv + pip + venv-pack) in a temporary directory of its own, with a
 * time limit and the whole pip output kept. For another CPU architecture than the builder's, only binary wheels for
 * that platform are installed ({@code pip --platform --only-binary=:all:}): nothing is compiled for the wrong CPU,
 * and a package without such a wheel fails the build with its name.
 */
public class PythonEnvBuilder {

    private static final Pattern NO_VERSION = Pattern.compile(
            "(?:Could not find a version that satisfies the requirement|No matching distribution found for) ([^\\s(]+)");
    /** pip's retry warning when the index did not answer (refused, DNS, TLS, proxy): its cause, up to the URL. */
    private static final Pattern INDEX_UNREACHABLE = Pattern.compile("after connection broken by '(.+?)': /");

    private final EnvProperties properties;

    public PythonEnvBuilder(EnvProperties properties) {
        this.properties = properties;
    }

    /** A built environment: its packed archive (in the caller's directory) and the build's output. */
    public record BuiltEnv(Path archive, long sizeBytes, String log) {}

    /** The interpreter for a Python version, from {@code platy.env.pythons} or the builder's own. */
    public String interpreter(String pythonVersion) {
        String configured = properties.pythons().get(pythonVersion);
        if (configured != null) {
            return configured;
        }
        if (pythonVersion.equals(defaultVersion())) {
            return properties.python();
        }
        throw new EnvBuildException(
                "no Python " + pythonVersion + " on this builder; available: " + available() + " (platy.env.pythons)",
                "");
    }

    private List<String> available() {
        List<String> versions = new ArrayList<>(properties.pythons().keySet());
        versions.add(defaultVersion());
        return versions;
    }

    private volatile String defaultVersion;

    /** The version of {@code platy.env.python}, e.g. {@code 3.11}. */
    public String defaultVersion() {
        String version = defaultVersion;
        if (version == null) {
            StringBuilder out = new StringBuilder();
            int code = run(
                    List.of(
                            properties.python(),
                            "-c",
                            "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"),
                    null,
                    out,
                    Duration.ofSeconds(30));
            if (code != 0) {
                throw new EnvBuildException(
                        "the builder's Python '" + properties.python() + "' does not run", out.toString());
            }
            version = out.toString().strip();
            defaultVersion = version;
        }
        return version;
    }

    /**
     * Builds the environment into {@code output}.
     *
     * @throws EnvBuildException with pip's reason when it fails, or when it takes longer than the limit
     */
    public BuiltEnv build(EnvSpec spec, Path output) {
        for (String line : spec.requirements()) {
            // Checked at the API too; a spec that reaches the builder another way is held to the same rule.
            String problem = EnvSpec.requirementProblem(line);
            if (problem != null) {
                throw new EnvBuildException("requirement '" + line + "' refused: " + problem, "");
            }
        }
        // With an interpreter of the target's version for the builder's own CPU, pip installs natively (sdists
        // build too); otherwise it picks binary wheels for the target's platform and Python into a layout written
        // here, and a package with no such wheel fails the build with its name.
        String local = spec.platform() == TargetPlatform.current() ? localInterpreter(spec.pythonVersion()) : null;
        Path dir;
        try {
            Files.createDirectories(properties.workDir());
            dir = Files.createTempDirectory(properties.workDir(), "build-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder log = new StringBuilder();
        long deadline = System.nanoTime() + properties.buildTimeout().toNanos();
        try {
            Path env = dir.resolve("env");
            Path requirements = dir.resolve("requirements.txt");
            Files.write(requirements, spec.requirements(), StandardCharsets.UTF_8);
            List<String> pip = new ArrayList<>(List.of(properties.python(), "-m", "pip"));
            if (local != null) {
                // No pip inside the environment: the builder's pip installs into it (smaller, faster to pack).
                step(
                        log,
                        deadline,
                        dir,
                        List.of(local, "-m", "venv", "--without-pip", env.toString()),
                        "creating the virtualenv");
                pip.addAll(List.of("--python", env.resolve("bin/python").toString(), "install"));
            } else {
                Path site = writeLayout(env, spec.pythonVersion());
                pip.addAll(List.of(
                        "install",
                        "--only-binary=:all:",
                        "--platform",
                        spec.platform().wheelTag(),
                        "--python-version",
                        spec.pythonVersion(),
                        "--implementation",
                        "cp",
                        "--abi",
                        "cp" + spec.pythonVersion().replace(".", ""),
                        // the builder's bytecode is for its own Python, not the target's
                        "--no-compile",
                        "--target",
                        site.toString()));
            }
            pip.addAll(List.of("--disable-pip-version-check", "--no-input", "--progress-bar", "off"));
            if (spec.indexUrl() != null) {
                pip.addAll(List.of("--index-url", spec.indexUrl()));
            }
            pip.addAll(List.of("-r", requirements.toString()));
            step(log, deadline, dir, pip, "installing the requirements");
            String prefix = spec.pythonPrefix() != null ? spec.pythonPrefix() : local == null ? DEFAULT_PREFIX : null;
            if (prefix != null) {
                linkInterpreter(env, prefix, spec.pythonVersion());
                log.append("# bin/python -> ")
                        .append(PythonTarget.interpreter(prefix, spec.pythonVersion()))
                        .append(" (the nodes' interpreter)\n");
            }
            Files.deleteIfExists(output);
            step(
                    log,
                    deadline,
                    dir,
                    List.of(
                            properties.python(),
                            "-c",
                            "import sys, venv_pack; venv_pack.pack(prefix=sys.argv[1], output=sys.argv[2], force=True, "
                                    + "compress_level=1)",
                            env.toString(),
                            output.toString()),
                    "packing the environment");
            return new BuiltEnv(output, Files.size(output), tail(log));
        } catch (IOException e) {
            throw new EnvBuildException("the build failed: " + e.getMessage(), tail(log));
        } finally {
            delete(dir);
        }
    }

    /** Where a node's interpreter is when nothing else says: {@code /usr}, as on EMR and most Linux images. */
    static final String DEFAULT_PREFIX = "/usr";

    /** An interpreter of {@code version} on this builder, or null. */
    private String localInterpreter(String version) {
        String configured = properties.pythons().get(version);
        if (configured != null) {
            return configured;
        }
        return version.equals(defaultVersion()) ? properties.python() : null;
    }

    /**
     * A virtual environment's layout without running the target's interpreter (which the builder may not have):
     * {@code lib/python<version>/site-packages} and {@code bin/}; {@link #linkInterpreter} writes the rest.
     */
    private static Path writeLayout(Path env, String version) throws IOException {
        Files.createDirectories(env.resolve("bin"));
        return Files.createDirectories(
                env.resolve("lib").resolve("python" + version).resolve("site-packages"));
    }

    /**
     * Makes the environment run the nodes' interpreter: {@code bin/python} links to
     * {@code <prefix>/bin/python<version>} (which need not exist here), {@code python3} and
     * {@code python<version>} link to it, and {@code pyvenv.cfg} names the same home, which is how that interpreter
     * finds the environment's site-packages when started through the link.
     */
    static void linkInterpreter(Path env, String prefix, String version) throws IOException {
        Path bin = Files.createDirectories(env.resolve("bin"));
        try (Stream<Path> files = Files.list(bin)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("python[0-9.]*"))
                    .toList()) {
                Files.delete(file);
            }
        }
        Files.createSymbolicLink(bin.resolve("python"), Path.of(PythonTarget.interpreter(prefix, version)));
        Files.createSymbolicLink(bin.resolve("python3"), Path.of("python"));
        if (!version.equals("3")) {
            Files.createSymbolicLink(bin.resolve("python" + version), Path.of("python"));
        }
        String home = (prefix.endsWith("/") ? prefix : prefix + "/") + "bin";
        Files.writeString(
                env.resolve("pyvenv.cfg"),
                "home = " + home + "\ninclude-system-site-packages = false\n" + "version = " + version + "\n",
                StandardCharsets.UTF_8);
    }

    private void step(StringBuilder log, long deadline, Path dir, List<String> command, String what) {
        // The log is shown to API callers: an index URL's credentials are masked in it.
        log.append("$ ")
                .append(command.stream()
                        .map(SecretRedactor::redactValue)
                        .collect(java.util.stream.Collectors.joining(" ")))
                .append('\n');
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative()) {
            throw new EnvBuildException("the build took longer than " + properties.buildTimeout(), tail(log));
        }
        int code = run(command, dir, log, left);
        if (code == Integer.MIN_VALUE) {
            throw new EnvBuildException(
                    "the build took longer than " + properties.buildTimeout() + " while " + what, tail(log));
        }
        if (code != 0) {
            throw new EnvBuildException(reason(log.toString(), what), tail(log));
        }
    }

    /** pip's own words for why, the way a user would want to read them. */
    static String reason(String output, String what) {
        // pip reports a requirement it could not look up as not found ("from versions: none"): when the index did
        // not answer, saying "could not find" would send the user after a package that may well exist.
        Matcher unreachable = INDEX_UNREACHABLE.matcher(output);
        if (unreachable.find()) {
            String cause = unreachable.group(1);
            return "pip could not reach the package index ("
                    + (cause.length() > 300 ? cause.substring(0, 300) + "…" : cause)
                    + "): check the builder's network, proxy and certificates; the requirements were not looked up";
        }
        Matcher missing = NO_VERSION.matcher(output);
        if (missing.find()) {
            String requirement = missing.group(1);
            return output.contains("--only-binary") || output.contains("--platform")
                    ? "no binary wheel of " + requirement + " for this platform and Python (pip: No matching "
                            + "distribution found for " + requirement + ")"
                    : "pip could not find " + requirement + " (pip: No matching distribution found for " + requirement
                            + ")";
        }
        for (String line : output.split("\n")) {
            if (line.startsWith("ERROR:")) {
                return "pip failed while " + what + ": "
                        + line.substring("ERROR:".length()).strip();
            }
        }
        return "the build failed while " + what;
    }

    private String tail(StringBuilder log) {
        int limit = (int) properties.logLimit().toBytes();
        return log.length() <= limit ? log.toString() : "…" + log.substring(log.length() - limit);
    }

    /** Environment variables a build keeps: paths, locale, proxies, certificates and pip's own settings. */
    private static final java.util.regex.Pattern KEPT_ENV = java.util.regex.Pattern.compile(
            "PATH|HOME|USER|LANG|LC_[A-Z]+|TZ|TMPDIR|(?i:https?_proxy|no_proxy|all_proxy)|SSL_CERT_(FILE|DIR)"
                    + "|REQUESTS_CA_BUNDLE|PIP_[A-Z_]+|PYTHONPATH|VIRTUAL_ENV");

    /** Runs a command, its output appended to {@code out}; returns the exit code, MIN_VALUE on timeout. */
    private static int run(List<String> command, Path dir, StringBuilder out, Duration timeout) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (dir != null) {
                builder.directory(dir.toFile());
            }
            // Only what pip and Python need: the server's own environment (database password, tokens) never
            // reaches a build, whose output is shown to its callers.
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> !KEPT_ENV.matcher(name).matches());
            env.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
            env.put("PYTHONDONTWRITEBYTECODE", "1");
            Process process = builder.start();
            Thread reader = new Thread(() -> {
                try {
                    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (out) {
                        out.append(text);
                    }
                } catch (IOException ignored) {
                    // the process was stopped
                }
            });
            reader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                reader.join(5000);
                return Integer.MIN_VALUE;
            }
            reader.join();
            return process.exitValue();
        } catch (IOException e) {
            synchronized (out) {
                out.append("cannot run ")
                        .append(command.get(0))
                        .append(": ")
                        .append(e.getMessage())
                        .append('\n');
            }
            return 127;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Integer.MIN_VALUE;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
