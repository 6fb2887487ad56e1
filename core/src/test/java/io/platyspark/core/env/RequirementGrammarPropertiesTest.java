package io.platyspark.core.env;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random lines, rich in every character pip splits a line on and in every control character: whatever the grammar
 * accepts must be one line to pip, free of options, paths and variables.
 */
class RequirementGrammarPropertiesTest {

    static final String HOSTILE = "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029\u0000\u0007\u001b\u007f"
            + "\u200b\u200e\ufeff -@/\\$`#;[]()<>=!~,.'\"*+_";

    @Provide
    Arbitrary<String> hostileLines() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of(
                        "requests",
                        "six",
                        "==",
                        ">=2.1",
                        "[x]",
                        "; python_version >= '3.8'",
                        " # c",
                        "-r",
                        "--no-index",
                        "passwd",
                        " and ",
                        " or "),
                Arbitraries.strings().withChars(HOSTILE).ofMinLength(1).ofMaxLength(3),
                Arbitraries.strings().all().ofMaxLength(3));
        return pieces.list().ofMaxSize(8).map(l -> String.join("", l));
    }

    @Property(tries = 3000)
    void anAcceptedLineIsOneLineToPipWithoutOptionsPathsOrVariables(@ForAll("hostileLines") String line) {
        if (RequirementGrammar.problem(line) != null) {
            return;
        }
        // Python's str.splitlines() separators and every control character (tab aside) are absent...
        assertThat(line.chars().filter(c -> c != '\t' && RequirementGrammar.isLineBreakOrControl((char) c)))
                .isEmpty();
        String code = line.replaceAll("[ \t]#.*$", "").strip();
        if (code.startsWith("#")) {
            return;
        }
        // ...and what pip reads as the requirement holds no option, path, variable or reference.
        assertThat(code).doesNotStartWith("-").doesNotContain(" -", "\t-", "$", "/", "\\", "`", "@");
    }

    @Property(tries = 500)
    void everySeparatorInsideAnOtherwiseGoodLineIsRefused(
            @ForAll("separators") char separator, @ForAll("positions") int at) {
        String good = "pandas[excel]>=2.2,<3; python_version >= '3.8'  # pinned";
        int i = Math.min(at, good.length());
        assertThat(RequirementGrammar.problem(good.substring(0, i) + separator + good.substring(i)))
                .isNotNull();
    }

    @Provide
    Arbitrary<Character> separators() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        '\n', '\r', '\u000b', '\u000c', '\u001c', '\u001d', '\u001e', '\u0085', '\u2028', '\u2029'),
                Arbitraries.chars().range('\u0000', '\u0008'),
                Arbitraries.chars().range('\u000e', '\u001f'),
                Arbitraries.chars().range('\u007f', '\u009f'));
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 60);
    }
}
