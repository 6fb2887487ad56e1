package io.platyspark.core.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides values that look secret before anything leaves the platform (API responses, events, log lines, errors).
 * The stored and submitted values are untouched: the backend still receives them.
 */
public final class SecretRedactor {

    public static final String MASK = "******";

    /** Keys whose values are secret: passwords, secrets, tokens, credentials, access keys and key ids. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(password|passwd|pwd|secret|token|credential|private[._-]?key|access[._-]?key|key[._-]?id"
                    + "|session[._-]?key|api[._-]?key|account[._-]?key|fs\\.s3a?\\..*\\.key|signature).*");
    /** {@code password=...} inside a JDBC URL or a connection string. */
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)((?:password|pwd|secret|token)=)[^&;\\s]*");
    /** {@code user:password@host} in any URL. */
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^:/@\\s]+:)[^@/\\s]+@");
    /** Oracle's {@code jdbc:oracle:thin:user/password@host}. */
    private static final Pattern ORACLE_USER_INFO = Pattern.compile("(?i)(jdbc:oracle:[a-z]+:[^/@\\s:]+/)[^@\\s]+@");
    /** {@code KEY=value} as one argument, e.g. {@code spark.hadoop.fs.s3a.secret.key=...}. */
    private static final Pattern KEY_VALUE = Pattern.compile("^-*([A-Za-z_][\\w.-]*)=(.*)$", Pattern.DOTALL);
    /** {@code --password=value} and {@code --password value} in argument lists. */
    private static final Pattern SECRET_FLAG = Pattern.compile(
            "(?i)(--?[\\w.-]*(password|secret|token|credential|access[._-]?key|api[._-]?key)[\\w.-]*=).*");
    private static final Pattern SECRET_FLAG_ALONE = Pattern.compile(
            "(?i)--?[\\w.-]*(password|secret|token|credential|access[._-]?key|api[._-]?key)[\\w.-]*");

    private SecretRedactor() {
    }

    public static boolean isSecretKey(String key) {
        return key != null && SECRET_KEY.matcher(key).matches();
    }

    /** A value with embedded credentials (JDBC passwords, URL user info) masked. */
    public static String redactValue(String value) {
        if (value == null) {
            return null;
        }
        String out = PASSWORD_PARAM.matcher(value).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        out = ORACLE_USER_INFO.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
        return URL_USER_INFO.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
    }

    /** A copy of a configuration map with secret keys masked and credentials in values masked. */
    public static Map<String, String> redact(Map<String, String> conf) {
        Map<String, String> out = new LinkedHashMap<>();
        conf.forEach((key, value) -> out.put(key, isSecretKey(key) ? MASK : redactValue(value)));
        return out;
    }

    /** A copy of an argument list with secret flags' values and credentials in values masked. */
    public static List<String> redactArgs(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        boolean maskNext = false;
        for (String arg : args) {
            if (maskNext) {
                out.add(MASK);
                maskNext = false;
            } else if (SECRET_FLAG.matcher(arg).matches()) {
                out.add(SECRET_FLAG.matcher(arg).replaceAll("$1" + Matcher.quoteReplacement(MASK)));
            } else if (isSecretKeyValue(arg)) {
                out.add(arg.substring(0, arg.indexOf('=') + 1) + MASK);
            } else {
                maskNext = SECRET_FLAG_ALONE.matcher(arg).matches();
                out.add(redactValue(arg));
            }
        }
        return out;
    }

    private static boolean isSecretKeyValue(String arg) {
        Matcher m = KEY_VALUE.matcher(arg);
        return m.matches() && isSecretKey(m.group(1));
    }

    /** Free text (a reason, a message) with any {@code key=value} secrets and credentials masked. */
    public static String redactText(String text, Map<String, String> knownSecrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Map.Entry<String, String> e : knownSecrets.entrySet()) {
            if (isSecretKey(e.getKey()) && e.getValue() != null && e.getValue().length() >= 4) {
                out = out.replace(e.getValue(), MASK);
            }
        }
        return redactValue(out);
    }
}
