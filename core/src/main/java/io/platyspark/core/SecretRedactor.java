package io.platyspark.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hides values that look secret before anything leaves the platform (API responses, events, log lines, errors).
 * The stored and submitted values are untouched: the backend still receives them.
 *
 * <p>Everything here is one left-to-right pass over at most {@link #MAX_SCANNED} characters, with look-backs of a
 * bounded length: no regular expression, so no input can make masking slow (a backtracking URL pattern once made
 * one GET take minutes). Text beyond the bound is not shown at all, since it was not looked at.
 */
public final class SecretRedactor {

    public static final String MASK = "******";
    /** Characters of one value or text that are scanned; the rest is replaced by a note of how much there was. */
    public static final int MAX_SCANNED = 1 << 20;
    /** How far back from {@code =} a key name is looked for in free text. */
    private static final int MAX_KEY_LENGTH = 128;
    /** Known secret values longer than this are matched by this long a prefix (bounds the search). */
    private static final int MAX_KNOWN_SECRET = 256;

    /** Whole words of a key that make its value secret. */
    private static final Set<String> SECRET_WORDS = Set.of(
            "pass",
            "passwd",
            "password",
            "passphrase",
            "pwd",
            "auth",
            "token",
            "secret",
            "credential",
            "credentials",
            "cred",
            "creds",
            "key",
            "signature",
            "sig",
            "sas",
            "jaas",
            "cookie",
            "bearer",
            "apikey");
    /** Word beginnings of the same families ({@code authenticate}, {@code secretKey}, {@code passwords}). */
    private static final String[] SECRET_PREFIXES = {
        "pass",
        "secret",
        "token",
        "credential",
        "authent",
        "authoriz",
        "privatekey",
        "apikey",
        "accesskey",
        "secretkey",
        "sessionkey",
        "accountkey"
    };
    /** Word endings of the key family ({@code accesskey}, {@code apikey}, {@code sessiontoken}). */
    private static final String[] SECRET_SUFFIXES = {"key", "token", "secret", "password", "passwd", "pwd"};

    private SecretRedactor() {}

    /**
     * Whether a key's value is secret: a word of the key (split at {@code . _ -} and camelCase humps) is in the
     * pass/auth/token/secret/credential/key families, e.g. {@code spark.es.net.http.auth.pass},
     * {@code spark.redis.auth}, {@code spark.hadoop.fs.s3a.access.key}, {@code spark.ssl.keyPassword}. Keys whose
     * words are ordinary ({@code spark.sql.shuffle.partitions}, {@code spark.executor.cores},
     * {@code spark.yarn.queue}, {@code spark.sql.keyspace}) are kept.
     */
    public static boolean isSecretKey(String key) {
        if (key == null) {
            return false;
        }
        int length = Math.min(key.length(), MAX_SCANNED);
        StringBuilder word = new StringBuilder();
        for (int i = 0; i <= length; i++) {
            char c = i < length ? key.charAt(i) : '.';
            boolean hump = i > 0 && Character.isUpperCase(c) && Character.isLowerCase(key.charAt(i - 1));
            if (!Character.isLetterOrDigit(c) || hump) {
                if (isSecretWord(word.toString())) {
                    return true;
                }
                word.setLength(0);
            }
            if (Character.isLetterOrDigit(c)) {
                word.append(Character.toLowerCase(c));
            }
        }
        return false;
    }

    private static boolean isSecretWord(String word) {
        if (word.isEmpty()) {
            return false;
        }
        if (SECRET_WORDS.contains(word)) {
            return true;
        }
        for (String prefix : SECRET_PREFIXES) {
            if (word.startsWith(prefix)) {
                return true;
            }
        }
        for (String suffix : SECRET_SUFFIXES) {
            // "monkey" or "turkey" are not keys; a suffix counts after a word of its own ("accesskey").
            if (word.endsWith(suffix) && word.length() >= suffix.length() + 3) {
                return true;
            }
        }
        return false;
    }

    /**
     * A value with embedded credentials masked: a URL's password ({@code hdfs://alice:******@nn}), Oracle's
     * {@code user/******@host}, and {@code key=******} where the key is secret by {@link #isSecretKey}
     * ({@code password=}, {@code token=}, {@code spark.hadoop.fs.s3a.secret.key=}).
     */
    public static String redactValue(String value) {
        if (value == null) {
            return null;
        }
        int length = Math.min(value.length(), MAX_SCANNED);
        StringBuilder out = new StringBuilder(length + 16);
        int copied = 0;
        int i = 0;
        int nextAt = -1;
        int nextSpace = -1;
        while (i < length) {
            char c = value.charAt(i);
            int maskFrom = -1;
            int maskTo = -1;
            if (c == ':' && value.startsWith("//", i + 1)) {
                // scheme://user:password@host — the password is what follows the first ':' of the user info.
                int authorityEnd = i + 3;
                int at = -1;
                int colon = -1;
                while (authorityEnd < length && !endsAuthority(value.charAt(authorityEnd))) {
                    char a = value.charAt(authorityEnd);
                    if (a == '@') {
                        at = authorityEnd;
                    } else if (a == ':' && colon < 0 && at < 0) {
                        colon = authorityEnd;
                    }
                    authorityEnd++;
                }
                if (at < 0 && colon > 0 && authorityEnd < length && value.charAt(authorityEnd) == '/') {
                    // An AWS secret key holds '/', ending the authority early (s3a://KEY:SE/CRET@bucket): an
                    // '@' close behind, before any space, '?' or '#', still ends a password. A path with '@'
                    // loses a little.
                    // Both searches only move forward over the value, so all of them together stay linear.
                    if (nextAt < authorityEnd) {
                        nextAt = authorityEnd;
                        while (nextAt < length && value.charAt(nextAt) != '@') {
                            nextAt++;
                        }
                    }
                    if (nextSpace < authorityEnd) {
                        nextSpace = authorityEnd;
                        while (nextSpace < length && !endsLookahead(value.charAt(nextSpace))) {
                            nextSpace++;
                        }
                    }
                    if (nextAt < length && nextAt < nextSpace && nextAt - authorityEnd < MAX_KNOWN_SECRET) {
                        at = nextAt;
                    }
                }
                if (at > 0 && colon > 0 && colon < at) {
                    maskFrom = colon + 1;
                    maskTo = at;
                }
                if (maskFrom < 0) {
                    // Resume after the authority, or at its last ':' when that starts the next "://".
                    i = value.charAt(authorityEnd - 1) == ':' && authorityEnd - 1 > i
                            ? authorityEnd - 1
                            : Math.max(i + 1, authorityEnd);
                    continue;
                }
            } else if (c == '/' && i > 0) {
                int[] oracle = oraclePassword(value, i, length);
                if (oracle != null) {
                    maskFrom = oracle[0];
                    maskTo = oracle[1];
                }
            } else if (c == '=' && i > 0 && isSecretKey(keyBefore(value, i))) {
                maskFrom = i + 1;
                maskTo = i + 1;
                while (maskTo < length && !endsParameter(value.charAt(maskTo))) {
                    maskTo++;
                }
            }
            if (maskFrom >= 0 && maskTo > maskFrom) {
                out.append(value, copied, maskFrom).append(MASK);
                copied = maskTo;
                i = maskTo;
            } else {
                i++;
            }
        }
        out.append(value, copied, length);
        if (value.length() > length) {
            out.append(" …[").append(value.length() - length).append(" more characters not shown]");
        }
        return out.toString();
    }

    private static boolean endsAuthority(char c) {
        return c == '/'
                || c == '?'
                || c == '#'
                || Character.isWhitespace(c)
                || c == '"'
                || c == '\''
                || c == ','
                || c == ';';
    }

    /** Where a password that ran past a '/' cannot be: a space, or a URL's query or fragment. */
    private static boolean endsLookahead(char c) {
        return Character.isWhitespace(c) || c == '?' || c == '#' || c == '"' || c == '\'';
    }

    private static boolean endsParameter(char c) {
        return c == '&' || c == ';' || c == ',' || Character.isWhitespace(c) || c == '"' || c == '\'';
    }

    /** The run of key characters ending just before {@code end}, at most {@link #MAX_KEY_LENGTH} long. */
    private static String keyBefore(String text, int end) {
        int start = end;
        while (start > 0 && end - start < MAX_KEY_LENGTH && isKeyChar(text.charAt(start - 1))) {
            start--;
        }
        return text.substring(start, end);
    }

    private static boolean isKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }

    /**
     * Oracle's {@code jdbc:oracle:thin:user/password@host}: at the '/' at {@code slash}, when the text before it
     * is {@code jdbc:oracle:<driver>:<user>}, the password runs to the next '@'. Looks back and ahead a bounded
     * distance only.
     */
    private static int[] oraclePassword(String value, int slash, int length) {
        int userStart = slash;
        while (userStart > 0 && slash - userStart < MAX_KEY_LENGTH) {
            char p = value.charAt(userStart - 1);
            if (p == ':' || p == '/' || p == '@' || Character.isWhitespace(p)) {
                break;
            }
            userStart--;
        }
        if (userStart == slash || userStart == 0 || value.charAt(userStart - 1) != ':') {
            return null;
        }
        int driverStart = userStart - 1;
        while (driverStart > 0 && userStart - driverStart < 32 && Character.isLetter(value.charAt(driverStart - 1))) {
            driverStart--;
        }
        String prefix = "jdbc:oracle:";
        if (driverStart < prefix.length()
                || !value.regionMatches(true, driverStart - prefix.length(), prefix, 0, prefix.length())) {
            return null;
        }
        int end = slash + 1;
        int limit = Math.min(length, end + MAX_KNOWN_SECRET);
        while (end < limit && value.charAt(end) != '@' && !Character.isWhitespace(value.charAt(end))) {
            end++;
        }
        return end < length && value.charAt(end) == '@' && end > slash + 1 ? new int[] {slash + 1, end} : null;
    }

    /** A copy of a configuration map with secret keys masked and credentials in values masked. */
    public static Map<String, String> redact(Map<String, String> conf) {
        Map<String, String> out = new LinkedHashMap<>();
        conf.forEach((key, value) -> out.put(key, isSecretKey(key) ? MASK : redactValue(value)));
        return out;
    }

    /** A copy of a list of locations ({@code pyFiles}) or other values with credentials masked. */
    public static List<String> redactValues(List<String> values) {
        return values == null
                ? null
                : values.stream().map(SecretRedactor::redactValue).toList();
    }

    /**
     * A copy of an argument list with secret flags' values and credentials in values masked:
     * {@code --password=x}, {@code --password x}, {@code KEY=x} with a secret key.
     */
    public static List<String> redactArgs(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        boolean maskNext = false;
        for (String arg : args) {
            if (maskNext) {
                out.add(MASK);
                maskNext = false;
                continue;
            }
            int dashes = 0;
            while (dashes < arg.length() && arg.charAt(dashes) == '-') {
                dashes++;
            }
            int equals = arg.indexOf('=');
            String name = arg.substring(dashes, equals < 0 ? arg.length() : equals);
            boolean looksLikeKey = !name.isEmpty()
                    && name.length() <= MAX_KEY_LENGTH
                    && name.chars().allMatch(ch -> isKeyChar((char) ch));
            if (looksLikeKey && equals >= 0 && isSecretKey(name)) {
                out.add(arg.substring(0, equals + 1) + MASK);
            } else {
                maskNext = looksLikeKey && equals < 0 && dashes > 0 && isSecretKey(name);
                out.add(redactValue(arg));
            }
        }
        return out;
    }

    /**
     * Free text (a reason, a message, a log line) with credentials masked as by {@link #redactValue}, and every
     * value of {@code knownSecrets} under a secret key masked wherever it appears.
     */
    public static String redactText(String text, Map<String, String> knownSecrets) {
        if (text == null) {
            return null;
        }
        String out = text.length() > MAX_SCANNED ? text.substring(0, MAX_SCANNED) : text;
        for (Map.Entry<String, String> e : knownSecrets.entrySet()) {
            String secret = e.getValue();
            if (isSecretKey(e.getKey()) && secret != null && secret.length() >= 4) {
                out = maskOccurrences(
                        out, secret.length() > MAX_KNOWN_SECRET ? secret.substring(0, MAX_KNOWN_SECRET) : secret);
            }
        }
        String masked = redactValue(out);
        return text.length() > MAX_SCANNED
                ? masked + " …[" + (text.length() - MAX_SCANNED) + " more characters not shown]"
                : masked;
    }

    private static String maskOccurrences(String text, String secret) {
        int at = text.indexOf(secret);
        if (at < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        while (at >= 0) {
            out.append(text, copied, at).append(MASK);
            copied = at + secret.length();
            at = text.indexOf(secret, copied);
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** The masking a location (a source or py-file URI) gets wherever it is shown: its password hidden. */
    public static String redactLocation(String location) {
        return redactValue(location);
    }
}
