package io.platyspark.core.env;

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
 * @param indexUrl the package index, null for PyPI (or pip's own configuration)
 */
public record EnvSpec(List<String> requirements, String pythonVersion, TargetPlatform platform, String indexUrl) {

    private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)(.*)$");

    public EnvSpec {
        Objects.requireNonNull(pythonVersion, "pythonVersion == null");
        Objects.requireNonNull(platform, "platform == null");
        requirements = normalize(requirements);
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
                text = m.group(1).toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-") + m.group(2).replace(" ", "");
            }
            normalized.add(text);
        }
        return List.copyOf(normalized);
    }

    /** A hash of everything that decides the environment's content. */
    public String cacheKey() {
        String canonical = "v1\n" + pythonVersion + "\n" + platform + "\n" + (indexUrl == null ? "" : indexUrl) + "\n"
                + String.join("\n", requirements);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
