package io.platyspark.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.security.Caller;
import io.platyspark.core.security.SourcePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * The submit validator against arbitrary requests: each is accepted or refused with an {@link InvalidFieldException}
 * naming a field the request has (by index or key where the field is a list or map); nothing else is ever thrown,
 * so no input reaches the API as a 500.
 */
class SubmitValidationPropertiesTest {

    private static final Path ROOT = uploadRoot();
    private static final SubmitValidation VALIDATION =
            new SubmitValidation(new SourcePolicy(List.of(ROOT), Set.of("data"), List.of("livy.internal")));
    private static final String SHA = "ab".repeat(32);
    private static final String HOSTILE = "\n\r\u000b\u001c\u0085\u2028\u0000\u007f :/@?#%,.\\=";

    private static final Pattern INDEXED = Pattern.compile("(args|pyFiles|requirements)\\[(\\d+)]");
    private static final Pattern KEYED = Pattern.compile("sparkConf\\[(.*)]", Pattern.DOTALL);
    private static final Set<String> SCALAR_FIELDS =
            Set.of("name", "team", "cluster", "source", "mainClass", "sparkConf", "Idempotency-Key");

    private static Path uploadRoot() {
        try {
            Path root = Files.createTempDirectory("platy-submit-props").toRealPath();
            root.toFile().deleteOnExit();
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(HOSTILE).ofMaxLength(4),
                Arbitraries.strings().all().ofMaxLength(6),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8));
    }

    /** Locations from pieces that hit the rules: schemes, roots, uploads, dots, encodings and separators. */
    @Provide
    Arbitrary<String> locations() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of(
                        ROOT.toString(),
                        ROOT + "/uploads/team-a/" + SHA + "/app.py",
                        ROOT + "/uploads/team-b/" + SHA + "/app.py",
                        "file:" + ROOT,
                        "s3://data/",
                        "s3://other/",
                        "s3a://data/uploads/team-b/" + SHA + "/x.zip",
                        "hdfs://nn/",
                        "local:/x",
                        "http://h/",
                        "/",
                        "..",
                        "/../",
                        "%2e",
                        "%2f",
                        "%00",
                        "app.py",
                        "lib.jar",
                        "#env",
                        ","),
                text());
        return pieces.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<Map<String, String>> sparkConfs() {
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.of(
                        "spark.executor.memory",
                        "spark.jars",
                        "spark.files",
                        "spark.archives",
                        "spark.submit.pyFiles",
                        "spark.driver.extraJavaOptions",
                        "spark.driver.extraClassPath",
                        "spark.executorEnv.PYTHONPATH",
                        "spark.executorEnv.TZ",
                        "spark.master",
                        "SPARK.PLUGINS"),
                text());
        Arbitrary<String> values = Arbitraries.oneOf(
                locations(), Arbitraries.of("4g", "-Xmx2g -Dx=y", "-javaagent:/a.jar", "UTC"), text());
        return Arbitraries.maps(keys, values).ofMaxSize(3).map(LinkedHashMap::new);
    }

    @Provide
    Arbitrary<NewSparkApp> apps() {
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("etl", "daily revenue"), text());
        Arbitrary<String> teams = Arbitraries.oneOf(Arbitraries.of("team-a", "team-b"), text());
        return Builders.withBuilder(() -> new Object[13])
                .use(names)
                .in((a, v) -> set(a, 0, v))
                .use(teams)
                .in((a, v) -> set(a, 1, v))
                .use(Arbitraries.oneOf(Arbitraries.of("local", "shared"), text()))
                .in((a, v) -> set(a, 2, v))
                .use(locations())
                .in((a, v) -> set(a, 4, v))
                .use(Arbitraries.oneOf(Arbitraries.of("com.example.Etl"), text())
                        .injectNull(0.5))
                .in((a, v) -> set(a, 5, v))
                .use(text().list().ofMaxSize(3))
                .in((a, v) -> set(a, 6, v))
                .use(sparkConfs())
                .in((a, v) -> set(a, 7, v))
                .use(Arbitraries.oneOf(Arbitraries.of("a-key-1"), text()).injectNull(0.5))
                .in((a, v) -> set(a, 8, v))
                .use(locations().list().ofMaxSize(2))
                .in((a, v) -> set(a, 10, v))
                .use(Arbitraries.oneOf(
                                Arbitraries.of("requests==2.32.3", "numpy>=1.26; python_version>'3.8'", "-r x.txt"),
                                text())
                        .list()
                        .ofMaxSize(3))
                .in((a, v) -> set(a, 11, v))
                .build(a -> new NewSparkApp(
                        (String) a[0],
                        (String) a[1],
                        (String) a[2],
                        null,
                        (String) a[4],
                        (String) a[5],
                        list(a[6]),
                        map(a[7]),
                        (String) a[8],
                        null,
                        list(a[10]),
                        list(a[11]),
                        null));
    }

    private static Object[] set(Object[] a, int i, Object v) {
        a[i] = v;
        return a;
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Object o) {
        return (List<String>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> map(Object o) {
        return (Map<String, String>) o;
    }

    /**
     * Found by the property below (seed 2829798943139187101): a .py source spelled with a trailing slash was not
     * seen as .py until canonical, so its mainClass got through and the stored app failed its own check.
     */
    @net.jqwik.api.Example
    void aMainClassIsRefusedForAPySourceWhateverItsSpelling() {
        NewSparkApp app = new NewSparkApp(
                "etl",
                "team-a",
                "local",
                ROOT + "/uploads/team-a/" + SHA + "/app.py/",
                "com.example.Etl",
                List.of(),
                Map.of(),
                null,
                null);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> VALIDATION.validate(new Caller("someone", null, true), app))
                .isInstanceOfSatisfying(
                        InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("mainClass"));
    }

    @Property(tries = 3000)
    @StatisticsReport(onFailureOnly = true)
    void aSubmitIsAcceptedOrRefusedNamingOneOfItsFields(@ForAll("apps") NewSparkApp app, @ForAll boolean admin) {
        Caller caller = new Caller("someone", admin ? null : "team-a", admin);
        NewSparkApp accepted;
        try {
            accepted = VALIDATION.validate(caller, app);
        } catch (InvalidFieldException e) {
            // Anything else thrown fails the property: it would be a 500.
            assertNamesAFieldOf(app, e.field());
            assertThat(e.getMessage()).isNotBlank();
            Statistics.label("outcome").collect("refused");
            return;
        }
        Statistics.label("outcome").collect("accepted");
        // What was accepted is canonical: checked again, it passes unchanged.
        assertThat(VALIDATION.validate(caller, accepted)).isEqualTo(accepted);
    }

    @Property(tries = 3000)
    @StatisticsReport(onFailureOnly = true)
    void theGeneratorReachesBothOutcomes(@ForAll("apps") NewSparkApp app) {
        // Guards the property above against passing vacuously: some requests must get through every rule.
        String outcome;
        try {
            VALIDATION.validate(new Caller("someone", "team-a", false), app);
            outcome = "accepted";
        } catch (InvalidFieldException e) {
            outcome = "refused";
        }
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(c -> {
            c.check("accepted").percentage(p -> p > 1);
            c.check("refused").percentage(p -> p > 1);
        });
    }

    private static void assertNamesAFieldOf(NewSparkApp app, String field) {
        Matcher indexed = INDEXED.matcher(field);
        Matcher keyed = KEYED.matcher(field);
        if (indexed.matches()) {
            List<String> values = switch (indexed.group(1)) {
                case "args" -> app.args();
                case "pyFiles" -> app.pyFiles();
                default -> app.requirements();
            };
            assertThat(Integer.parseInt(indexed.group(2))).as(field).isLessThan(values.size());
        } else if (keyed.matches()) {
            assertThat(app.sparkConf()).as(field).containsKey(keyed.group(1));
        } else {
            assertThat(SCALAR_FIELDS).as(field).contains(field);
        }
    }
}
