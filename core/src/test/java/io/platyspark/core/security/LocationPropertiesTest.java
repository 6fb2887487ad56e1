package io.platyspark.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.InvalidFieldException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The location canonicaliser against random locations full of encodings, dots, separators and controls. */
class LocationPropertiesTest {

    static final String SHA = "ab".repeat(32);
    static final String HOSTILE =
            "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029\u0000\u001b\u007f\u200e" + " :/@?#%,.\\";

    @Provide
    Arbitrary<String> hostileLocations() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of(
                        "/",
                        "//",
                        "./",
                        "../",
                        "%2f",
                        "%2e",
                        "%2E%2E",
                        "%25",
                        "%73",
                        "%0a",
                        "%e2%80%a8",
                        "file:",
                        "file://",
                        "s3://b/",
                        "hdfs://",
                        "local:",
                        "uploads",
                        "team-a",
                        "a.py",
                        "#x"),
                Arbitraries.strings().withChars(HOSTILE).ofMinLength(1).ofMaxLength(3),
                Arbitraries.strings().all().ofMaxLength(3));
        return pieces.list().ofMaxSize(10).map(l -> String.join("", l));
    }

    @Property(tries = 3000)
    void aLocationIsRefusedAsBadInputOrReadAsOneStableCleanSpelling(
            @ForAll("hostileLocations") String raw, @ForAll boolean alias) {
        CanonicalLocation location;
        try {
            location = LocationCanonicalizer.canonical("pyFiles[0]", raw, alias);
        } catch (InvalidFieldException e) {
            assertThat(e.field()).isEqualTo("pyFiles[0]");
            return; // anything else thrown fails the property: never a 500
        }
        String path = location.path();
        assertThat(path)
                .startsWith("/")
                .doesNotContain("//", "/./", "/../", "%", ",", "?", "#")
                .doesNotEndWith("/.")
                .doesNotEndWith("/..");
        assertThat(path.chars())
                .noneMatch(c -> Character.isISOControl(c)
                        || Character.getType(c) == Character.LINE_SEPARATOR
                        || Character.getType(c) == Character.PARAGRAPH_SEPARATOR);
        assertThat(location.scheme()).isIn("file", "s3", "s3a", "s3n", "hdfs");
        CanonicalLocation again = LocationCanonicalizer.canonical("pyFiles[0]", location.value(), alias);
        assertThat(again.value()).isEqualTo(location.value());
        assertThat(again.path()).isEqualTo(path);
    }

    @Provide
    Arbitrary<String> uploadSpellings() {
        // Each character of ".../uploads/team-a" percent-encoded or not, with detours that resolve to nothing.
        Arbitrary<List<Boolean>> encode = Arbitraries.of(true, false).list().ofSize("/srv/uploads/team-a".length());
        Arbitrary<String> detour = Arbitraries.of("", "./", "/", "x/../", "%2e/", "./%2e/");
        return net.jqwik.api.Combinators.combine(encode, detour, detour, Arbitraries.of("", "file:", "file://"))
                .as((flags, d1, d2, scheme) -> {
                    String plain = "/srv/uploads/team-a";
                    StringBuilder out = new StringBuilder(scheme);
                    for (int i = 0; i < plain.length(); i++) {
                        char c = plain.charAt(i);
                        boolean slash = c == '/';
                        out.append(flags.get(i) && !slash ? String.format("%%%02x", (int) c) : String.valueOf(c));
                        if (slash && i == 4) {
                            out.append(d1);
                        }
                    }
                    return out + "/" + d2 + SHA + "/a.py";
                });
    }

    @Property(tries = 1000)
    void everySpellingOfAnUploadIsTheUpload(@ForAll("uploadSpellings") String spelling) {
        assertThat(LocationCanonicalizer.canonical("source", spelling, false).path())
                .isEqualTo(LocationCanonicalizer.realPath(java.nio.file.Path.of("/srv/uploads/team-a/" + SHA + "/a.py"))
                        .toString());
    }
}
