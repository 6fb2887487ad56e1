package io.platyspark.core.env;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.backend.TargetPlatform;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an environment is built from. Two specs that differ only in spelling (order, comments, blank lines, case
 * and separators of package names) are the same environment and share one cache key.
 *
 * @param indexUrl     the package index, null for PyPI (or pip's own configuration)
 * @param pythonPrefix where the nodes' interpreter is installed ({@link PythonTarget#pythonPrefix()}): the packed
 *                     {@code bin/python} links to it; null links it to the builder's own interpreter (an
 *                     environment that runs only where that interpreter is, e.g. on the builder's machine)
 */
public record EnvSpec(
        List<String> requirements,
        String pythonVersion,
        TargetPlatform platform,
        String indexUrl,
        String pythonPrefix) {

    private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)(.*)$");

    public EnvSpec {
        Objects.requireNonNull(pythonVersion, "pythonVersion == null");
        Objects.requireNonNull(platform, "platform == null");
        requirements = normalize(requirements);
        if (pythonPrefix != null) {
            PythonTarget.checkPrefix(pythonPrefix, "pythonPrefix");
        }
    }

    public EnvSpec(List<String> requirements, String pythonVersion, TargetPlatform platform, String indexUrl) {
        this(requirements, pythonVersion, platform, indexUrl, null);
    }

    /** This spec for the nodes of {@code target}: their platform, Python version and interpreter prefix. */
    public EnvSpec forTarget(PythonTarget target) {
        return new EnvSpec(requirements, target.pythonVersion(), target.platform(), indexUrl, target.pythonPrefix());
    }

    /**
     * Why a requirement line cannot be built, or null when it can: {@link RequirementGrammar} is the one judge,
     * here for every caller (spark-server's API, the app-builder's API and the builder itself).
     */
    public static String requirementProblem(String line) {
        return RequirementGrammar.problem(line);
    }

    /** Refuses the first line that {@link #requirementProblem} finds fault with, naming it as {@code field[i]}. */
    public static void checkRequirements(List<String> lines, String field) {
        for (int i = 0; lines != null && i < lines.size(); i++) {
            String problem = requirementProblem(lines.get(i));
            if (problem != null) {
                throw new InvalidFieldException(field + "[" + i + "]", problem);
            }
        }
    }

    static List<String> normalize(List<String> lines) {
        TreeSet<String> normalized = new TreeSet<>();
        for (String line : lines == null ? List.<String>of() : lines) {
            String text = line.replaceAll("\\s+#.*$", "").strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            Matcher m = NAME.matcher(text);
            if (m.matches()) {
                // PEP 503: names compare case-insensitively with runs of -, _ and . as one -
                // Spaces go from the version part; an environment marker keeps its words ("not in", quoted values).
                String rest = m.group(2);
                int semicolon = rest.indexOf(';');
                String version = (semicolon < 0 ? rest : rest.substring(0, semicolon)).replace(" ", "");
                String marker = semicolon < 0
                        ? ""
                        : rest.substring(semicolon + 1).strip().replaceAll("\\s+", " ");
                text = m.group(1).toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-")
                        + version
                        + (marker.isEmpty() ? "" : "; " + marker);
            }
            normalized.add(text);
        }
        return List.copyOf(normalized);
    }

    /** A hash of everything that decides the environment's content. */
    public String cacheKey() {
        // The interpreter prefix is part of the content (the packed bin/python links to it); specs without one
        // keep the keys they had before prefixes existed.
        String canonical = (pythonPrefix == null ? "v1\n" : "v2\n" + pythonPrefix + "\n") + pythonVersion + "\n"
                + platform + "\n" + (indexUrl == null ? "" : indexUrl) + "\n" + String.join("\n", requirements);
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
