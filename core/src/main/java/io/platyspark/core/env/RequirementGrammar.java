package io.platyspark.core.env;

import java.util.Locale;
import java.util.Set;

/**
 * The one judge of a pip requirement line, for spark-server's API and the app-builder alike. A line is accepted
 * only when it parses, as a whole, as a PEP 508 package requirement without a URL: a name, extras, version
 * specifiers and environment markers, then optionally a {@code # comment}. Anything else is refused, however pip
 * would read it: the line is written to a requirements file that pip reads on the builder, where options
 * ({@code -r /etc/passwd}, {@code --no-index}), direct references and {@code ${VAR}} would read the builder's
 * files, environment or network.
 *
 * <p>The grammar is an allow-list on purpose: pip splits a file with Python's {@code str.splitlines()}, which also
 * splits on {@code \x0b \x0c \x1c \x1d \x1e \x85 \u2028 \u2029}, characters Java's regexes treat as ordinary ones,
 * so a deny-list written in Java cannot see where pip starts a new line. Here only space and tab separate tokens
 * and no control or separator character is accepted anywhere, comments included.
 */
public final class RequirementGrammar {

    /** Longer lines are refused before they are parsed (pip needs nothing near this for a real requirement). */
    public static final int MAX_LENGTH = 512;

    private static final Set<String> MARKER_VARIABLES = Set.of(
            "python_version",
            "python_full_version",
            "os_name",
            "sys_platform",
            "platform_release",
            "platform_system",
            "platform_version",
            "platform_machine",
            "platform_python_implementation",
            "implementation_name",
            "implementation_version",
            "extra");
    private static final String EXAMPLE = "only package requirements such as requests==2.32.3, "
            + "pandas[excel]>=2.2,<3 or tabulate; python_version >= \"3.8\"";

    private final String text;
    private int pos;

    private RequirementGrammar(String text) {
        this.text = text;
    }

    /** Why {@code line} is not an acceptable requirement line, or null when it is one (or blank, or a comment). */
    public static String problem(String line) {
        if (line == null) {
            return null;
        }
        if (line.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters; " + EXAMPLE;
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\t' && isLineBreakOrControl(c)) {
                return String.format(
                        Locale.ROOT,
                        "contains the control or line-separator character U+%04X at "
                                + "position %d, where pip would start a new line; write one requirement per entry, %s",
                        (int) c,
                        i,
                        EXAMPLE);
            }
        }
        try {
            new RequirementGrammar(line).line();
            return null;
        } catch (Refused e) {
            return e.getMessage();
        }
    }

    /**
     * Characters that end a line for Python's {@code str.splitlines()} or are control/format characters: none of
     * them belongs in a requirement. Surrogates and unassigned code points are refused as well.
     */
    static boolean isLineBreakOrControl(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c)
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.FORMAT
                || type == Character.SURROGATE
                || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED;
    }

    private void line() {
        spaces();
        if (atEnd() || peek() == '#') {
            return; // blank or a comment line
        }
        if (peek() == '-') {
            throw new Refused("pip options are not accepted, " + EXAMPLE + " (the package index is the "
                    + "platform's: platy.env.index-url)");
        }
        if (!isAlnum(peek())) {
            throw new Refused("must start with a package name; " + EXAMPLE);
        }
        name();
        spaces();
        if (peek() == '[') {
            extras();
            spaces();
        }
        if (peek() == '@') {
            throw new Refused("direct references (name @ url, URLs, file paths) are not accepted; " + EXAMPLE);
        }
        if (peek() == '(') {
            pos++;
            spaces();
            versions();
            spaces();
            expect(')');
            spaces();
        } else if (isComparisonStart(peek())) {
            versions();
            spaces();
        }
        if (peek() == ';') {
            pos++;
            spaces();
            marker();
            spaces();
        }
        if (atEnd()) {
            return;
        }
        if (peek() == '#' && pos > 0 && (text.charAt(pos - 1) == ' ' || text.charAt(pos - 1) == '\t')) {
            return; // a trailing comment, which pip drops (control characters were refused above)
        }
        if (peek() == '-') {
            throw new Refused("per-requirement pip options are not accepted; " + EXAMPLE);
        }
        throw unexpected();
    }

    private void name() {
        int start = pos;
        while (!atEnd() && (isAlnum(peek()) || peek() == '.' || peek() == '_' || peek() == '-')) {
            pos++;
        }
        if (!isAlnum(text.charAt(pos - 1))) {
            pos = pos - 1;
            throw new Refused("the package name '" + text.substring(start, pos + 1) + "' must end with a letter "
                    + "or digit; " + EXAMPLE);
        }
    }

    private void extras() {
        expect('[');
        spaces();
        if (peek() != ']') {
            extraName();
            spaces();
            while (peek() == ',') {
                pos++;
                spaces();
                extraName();
                spaces();
            }
        }
        expect(']');
    }

    private void extraName() {
        if (!isAlnum(peek())) {
            throw unexpected();
        }
        name();
    }

    private void versions() {
        version();
        spaces();
        while (peek() == ',') {
            pos++;
            spaces();
            version();
            spaces();
        }
    }

    /**
     * {@code <op> <version>}; the version's characters are PEP 440's (letters, digits, {@code . * + ! - _}), and it
     * starts with a letter or digit: pip reads a word that starts with {@code -} as an option, wherever it stands
     * ({@code requests< -rother.txt} would read another requirements file; jqwik found it).
     */
    private void version() {
        comparison(true);
        spaces();
        if (atEnd() || !isAlnum(peek())) {
            throw new Refused("a version must start with a letter or digit, as in requests==2.32.3 (pip reads a "
                    + "word that starts with - as an option); " + EXAMPLE);
        }
        int start = pos;
        while (!atEnd() && (isAlnum(peek()) || ".*+!-_".indexOf(peek()) >= 0)) {
            pos++;
        }
        if (pos == start) {
            throw unexpected();
        }
    }

    private void comparison(boolean versionOnly) {
        for (String op : new String[] {"===", "==", "!=", "<=", ">=", "~=", "<", ">"}) {
            if (text.startsWith(op, pos)) {
                pos += op.length();
                return;
            }
        }
        if (!versionOnly) {
            if (text.startsWith("in", pos) && !isAlnum(charAt(pos + 2))) {
                pos += 2;
                return;
            }
            if (text.startsWith("not", pos) && isSpace(charAt(pos + 3))) {
                pos += 3;
                spaces();
                if (text.startsWith("in", pos) && !isAlnum(charAt(pos + 2))) {
                    pos += 2;
                    return;
                }
            }
        }
        throw new Refused(where() + "a version comparison (==, >=, <=, !=, ~=, <, >, ===) is expected; " + EXAMPLE);
    }

    /** PEP 508 markers: {@code and}/{@code or} of {@code <var|string> <op> <var|string>} and parentheses. */
    private void marker() {
        markerAnd();
        while (keyword("or")) {
            markerAnd();
        }
    }

    private void markerAnd() {
        markerExpression();
        while (keyword("and")) {
            markerExpression();
        }
    }

    private boolean keyword(String word) {
        int save = pos;
        spaces();
        if (pos > save && text.startsWith(word, pos) && isSpaceOrParen(charAt(pos + word.length()))) {
            pos += word.length();
            spaces();
            return true;
        }
        pos = save;
        return false;
    }

    private void markerExpression() {
        spaces();
        if (peek() == '(') {
            pos++;
            spaces();
            marker();
            spaces();
            expect(')');
            return;
        }
        markerValue();
        spaces();
        comparison(false);
        spaces();
        markerValue();
    }

    private void markerValue() {
        char c = peek();
        if (c == '"' || c == '\'') {
            pos++;
            while (!atEnd() && peek() != c) {
                // PEP 508's string characters less those pip or a shell would act on: $, /, \, `, #, @, %.
                if (!isAlnum(peek()) && " .-_*+!,()<>=~:;[]{}?^&|".indexOf(peek()) < 0) {
                    throw new Refused(where() + "'" + peek() + "' is not accepted in a marker string; " + EXAMPLE);
                }
                pos++;
            }
            expect(c);
            return;
        }
        int start = pos;
        while (!atEnd() && (isAlnum(peek()) || peek() == '_' || peek() == '.')) {
            pos++;
        }
        String variable = text.substring(start, pos);
        if (!MARKER_VARIABLES.contains(variable)) {
            pos = start;
            throw new Refused(where() + "a marker variable (python_version, sys_platform, platform_machine, ...) "
                    + "or a quoted string is expected; " + EXAMPLE);
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw unexpected();
        }
        pos++;
    }

    private Refused unexpected() {
        if (atEnd()) {
            return new Refused("ends too early; " + EXAMPLE);
        }
        char c = peek();
        if (c == '$' || c == '/' || c == '\\' || c == '`') {
            // ${VAR} is expanded by pip from the builder's environment; / and \ make local paths or join lines.
            return new Refused("may not contain $, /, \\ or `; " + EXAMPLE);
        }
        if (c == '@' || text.startsWith("://", pos)) {
            return new Refused("direct references (name @ url, URLs, file paths) are not accepted; " + EXAMPLE);
        }
        return new Refused(where() + "'" + c + "' is not expected here; " + EXAMPLE);
    }

    private String where() {
        return "at position " + pos + ": ";
    }

    private void spaces() {
        while (!atEnd() && isSpace(peek())) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return charAt(pos);
    }

    private char charAt(int i) {
        return i < text.length() ? text.charAt(i) : '\0';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isSpaceOrParen(char c) {
        return isSpace(c) || c == '(' || c == '"' || c == '\'';
    }

    private static boolean isComparisonStart(char c) {
        return c == '=' || c == '!' || c == '<' || c == '>' || c == '~';
    }

    private static boolean isAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
