package io.platyspark.core.security;

import io.platyspark.core.InvalidFieldException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads every location an app names (its source, its py-files and the entries of the Spark settings that name
 * files) once, into its {@link CanonicalLocation}: percent-decoded, {@code .}/{@code ..}/{@code //} resolved, a
 * local file by its real path, the scheme checked. The source policy, the own-uploads rule and the backend then
 * see only that spelling, so no rule can be passed by spelling a location in a way another part reads differently
 * ({@code upload%73} for {@code uploads}, {@code a/../b}, {@code file:%2fetc%2fpasswd}).
 *
 * <p>Refused, as 400s naming the field: opaque URIs ({@code file:etc/passwd}), schemes other than files, S3 and
 * HDFS ({@code local:} names a file on the hosts that run Spark, the platform's own for the local backend), query
 * strings, {@code #} outside an archive alias, commas (Spark splits lists on them), malformed or double percent
 * encoding, and control characters.
 */
public final class LocationCanonicalizer {

    /** Spark settings whose entries are locations Spark fetches for the app. */
    public static final Set<String> FILE_CONF_KEYS = Set.of(
            "spark.submit.pyFiles",
            "spark.jars",
            "spark.files",
            "spark.archives",
            "spark.yarn.dist.files",
            "spark.yarn.dist.archives",
            "spark.yarn.dist.jars",
            "spark.yarn.dist.pyFiles",
            "spark.yarn.jars",
            "spark.yarn.archive");

    private static final Set<String> REMOTE_SCHEMES = Set.of("s3", "s3a", "s3n", "hdfs");
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final int MAX_LENGTH = 4096;

    private LocationCanonicalizer() {}

    /** An app's locations in their canonical spelling, and the settings with their file entries rewritten. */
    public record AppLocations(
            String source, List<String> pyFiles, Map<String, String> sparkConf, List<CanonicalLocation> all) {}

    /** Canonicalises every location of an app, refusing the first bad one naming its field. */
    public static AppLocations canonicalize(String source, List<String> pyFiles, Map<String, String> sparkConf) {
        List<CanonicalLocation> all = new ArrayList<>();
        CanonicalLocation src = canonical("source", source, false);
        all.add(src);
        List<String> files = new ArrayList<>();
        for (int i = 0; i < pyFiles.size(); i++) {
            CanonicalLocation file = canonical("pyFiles[" + i + "]", pyFiles.get(i), false);
            all.add(file);
            files.add(file.value());
        }
        Map<String, String> conf = new TreeMap<>(sparkConf);
        for (Map.Entry<String, String> e : new TreeMap<>(sparkConf).entrySet()) {
            if (!FILE_CONF_KEYS.contains(e.getKey()) || e.getValue() == null) {
                continue;
            }
            String field = "sparkConf[" + e.getKey() + "]";
            List<String> entries = new ArrayList<>();
            for (String entry : e.getValue().split(",", -1)) {
                String location = entry.strip();
                if (location.isEmpty()) {
                    continue;
                }
                CanonicalLocation canonical = canonical(field, location, true);
                all.add(canonical);
                entries.add(canonical.value());
            }
            conf.put(e.getKey(), String.join(",", entries));
        }
        return new AppLocations(src.value(), List.copyOf(files), conf, List.copyOf(all));
    }

    /**
     * One location in its canonical form.
     *
     * @param aliasAllowed whether {@code #alias} may follow (entries of Spark settings: an archive's directory)
     * @throws InvalidFieldException naming {@code field} when the location is refused
     */
    public static CanonicalLocation canonical(String field, String raw, boolean aliasAllowed) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidFieldException(
                    field,
                    "is required: an absolute path under an upload root or a URI " + "such as s3://bucket/app.py");
        }
        if (raw.length() > MAX_LENGTH) {
            throw new InvalidFieldException(field, "is longer than " + MAX_LENGTH + " characters");
        }
        checkCharacters(field, raw);
        String text = raw;
        String alias = null;
        int hash = text.indexOf('#');
        if (hash >= 0) {
            alias = text.substring(hash + 1);
            text = text.substring(0, hash);
            if (!aliasAllowed) {
                throw new InvalidFieldException(field, "must not contain '#'; name the file itself");
            }
            if (!ALIAS.matcher(alias).matches()) {
                throw new InvalidFieldException(
                        field,
                        "'#" + alias + "' is not an archive alias; use letters, "
                                + "digits, '.', '_' or '-' after '#'");
            }
        }
        if (text.indexOf(',') >= 0) {
            throw new InvalidFieldException(field, "must name one location; Spark would split it at ','");
        }
        if (text.indexOf('?') >= 0) {
            throw new InvalidFieldException(field, "must not carry a query string ('?')");
        }
        if (text.startsWith("/")) {
            return local(field, decode(field, text), alias, false);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException(
                    field,
                    "'" + raw + "' is not a valid URI (" + e.getReason() + "); "
                            + "percent-encode spaces and other special characters once");
        }
        if (uri.getScheme() == null) {
            throw new InvalidFieldException(
                    field,
                    "'" + raw + "' must be an absolute path or a URI such as "
                            + "s3://bucket/app.py or file:/opt/app.py; a relative path means nothing on the server");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.isOpaque()) {
            throw new InvalidFieldException(
                    field,
                    "'" + raw + "' is an opaque URI (no '/' after '" + scheme
                            + ":'), which names no path; write " + scheme
                            + (scheme.equals("file") ? ":/absolute/path" : "://bucket-or-host/path"));
        }
        if (scheme.equals("file")) {
            String host = uri.getRawAuthority();
            if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
                throw new InvalidFieldException(
                        field,
                        "'" + raw + "' names a file on host '" + host + "'; only "
                                + "files on the server are read (file:/absolute/path)");
            }
            return local(field, decode(field, uri.getRawPath()), alias, true);
        }
        if (!REMOTE_SCHEMES.contains(scheme)) {
            throw new InvalidFieldException(
                    field,
                    "the scheme '" + scheme + ":' is not accepted; use an absolute "
                            + "path under an upload root, s3://<allowed bucket>/... or hdfs://..."
                            + (scheme.equals("local")
                                    ? " (local: names a file on the hosts that run Spark, which are the platform's own)"
                                    : ""));
        }
        String authority = uri.getRawAuthority();
        if (!scheme.equals("hdfs") && (authority == null || authority.isEmpty())) {
            throw new InvalidFieldException(field, "'" + raw + "' names no bucket; write " + scheme + "://bucket/key");
        }
        if (authority != null) {
            checkCharacters(field, authority);
        }
        String path = normalize(field, decode(field, uri.getRawPath() == null ? "" : uri.getRawPath()));
        if (path.equals("/")) {
            throw new InvalidFieldException(field, "'" + raw + "' names no file");
        }
        return new CanonicalLocation(
                field, scheme, authority == null || authority.isEmpty() ? null : authority, path, alias, true);
    }

    private static CanonicalLocation local(String field, String decodedPath, String alias, boolean asUri) {
        String normalized = normalize(field, decodedPath);
        Path real;
        try {
            real = realPath(Path.of(normalized));
        } catch (InvalidPathException e) {
            throw new InvalidFieldException(field, "'" + decodedPath + "' is not a valid path: " + e.getReason());
        }
        return new CanonicalLocation(field, "file", null, real.toString(), alias, asUri);
    }

    /**
     * The real path: symbolic links resolved as far as the path exists (a file not there yet keeps its name
     * under its nearest existing directory's real path).
     */
    static Path realPath(Path absolute) {
        Path existing = absolute;
        Deque<Path> rest = new ArrayDeque<>();
        while (existing != null && !Files.exists(existing)) {
            rest.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path real;
        try {
            real = existing == null ? absolute.getRoot() : existing.toRealPath();
        } catch (IOException e) {
            real = existing;
        }
        while (!rest.isEmpty()) {
            real = real.resolve(rest.pop());
        }
        return real.normalize();
    }

    /** Resolves {@code .}, {@code ..} and empty segments; refuses climbing above the root. */
    private static String normalize(String field, String path) {
        if (!path.startsWith("/")) {
            throw new InvalidFieldException(field, "'" + path + "' must be an absolute path");
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw new InvalidFieldException(field, "'" + path + "' climbs above the root with '..'");
                }
                segments.removeLast();
            } else {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }

    /** Percent-decoding as UTF-8, refusing malformed escapes and what decoding must not produce. */
    private static String decode(String field, String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (low < 0) {
                    throw new InvalidFieldException(
                            field,
                            "has a malformed percent-escape at position " + i + "; write %XX with two hex digits");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    utf8 = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(utf8);
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidFieldException(field, "percent-escapes must encode UTF-8 text");
        }
        if (decoded.indexOf('%') >= 0) {
            throw new InvalidFieldException(field, "is percent-encoded twice ('%' after decoding); encode once");
        }
        checkCharacters(field, decoded);
        for (char c : new char[] {',', '?', '#'}) {
            if (decoded.indexOf(c) >= 0) {
                throw new InvalidFieldException(field, "must not contain '" + c + "', encoded or not");
            }
        }
        return decoded;
    }

    private static void checkCharacters(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c)
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.FORMAT) {
                throw new InvalidFieldException(
                        field,
                        String.format(Locale.ROOT, "must not contain the control " + "character U+%04X", (int) c));
            }
        }
    }
}
