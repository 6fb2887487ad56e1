package io.platyspark.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.SecretRedactor;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The masking function against random text full of URL pieces, separators and control characters. */
class MaskingPropertiesTest {

    static final String HOSTILE =
            "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029\u0000\u001b\u007f" + " :/@=&;?#%'\",.-_";

    @Provide
    Arbitrary<String> hostileText() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of(
                        "://",
                        "hdfs://",
                        "s3a://",
                        "a:",
                        "@",
                        "password=",
                        "token=",
                        "jdbc:oracle:thin:",
                        "u/",
                        "user:",
                        "x"),
                Arbitraries.strings().withChars(HOSTILE).ofMinLength(1).ofMaxLength(4),
                Arbitraries.strings().all().ofMaxLength(4));
        return pieces.list().ofMaxSize(12).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> secrets() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('0', '9')
                .ofMinLength(10)
                .ofMaxLength(20)
                .map(s -> "Q" + s); // a capital the random text around it (lower-case pieces aside) rarely has
    }

    @Property(tries = 2000)
    void aUrlPasswordNeverSurvivesWhateverSurroundsIt(
            @ForAll("hostileText") String before,
            @ForAll("hostileText") String after,
            @ForAll("secrets") String secret,
            @ForAll("schemes") String scheme) {
        String text = before + " " + scheme + "://alice:" + secret + "@nn:8020/apps/a.py " + after;

        assertThat(SecretRedactor.redactValue(text)).doesNotContain(secret);
        assertThat(SecretRedactor.redactText(text, Map.of())).doesNotContain(secret);
        assertThat(SecretRedactor.redactValues(List.of(text)).get(0)).doesNotContain(secret);
    }

    @Property(tries = 2000)
    void aSecretKeysValueNeverSurvives(
            @ForAll("hostileText") String before,
            @ForAll("hostileText") String after,
            @ForAll("secrets") String secret,
            @ForAll("secretKeys") String key) {
        assertThat(SecretRedactor.redact(Map.of(key, before + secret + after)).get(key))
                .isEqualTo(SecretRedactor.MASK);
        assertThat(SecretRedactor.redactArgs(List.of("--conf", key + "=" + secret)))
                .doesNotContain(key + "=" + secret);
        assertThat(SecretRedactor.redactText(before + " " + key + "=" + secret + " " + after, Map.of()))
                .doesNotContain(secret);
    }

    @Property(tries = 1000)
    void maskingNeverFailsAndKeepsTextWithoutCredentials(@ForAll("hostileText") String text) {
        String masked = SecretRedactor.redactValue(text);

        assertThat(masked).isNotNull();
        if (!text.contains("=") && !text.contains("@")) {
            assertThat(masked).isEqualTo(text);
        }
    }

    @Provide
    Arbitrary<String> schemes() {
        return Arbitraries.of("hdfs", "s3a", "https", "jdbc:postgresql", "mongodb+srv", "HDFS");
    }

    @Provide
    Arbitrary<String> secretKeys() {
        Arbitrary<String> segment =
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> family = Arbitraries.of(
                "pass",
                "password",
                "passwd",
                "auth",
                "token",
                "secret",
                "credential",
                "credentials",
                "key",
                "apiKey",
                "secretKey",
                "sessionToken",
                "AUTH");
        return net.jqwik.api.Combinators.combine(
                        segment.list().ofMaxSize(3), family, segment.list().ofMaxSize(2))
                .as((pre, word, post) -> String.join(
                        ".",
                        java.util.stream.Stream.of(List.of("spark"), pre, List.of(word), post)
                                .flatMap(List::stream)
                                .toList()));
    }
}
