package io.platyspark.backend.aws.emr;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Python that EMR's nodes run apps with, by release label: Python environments are built for it and link to
 * its interpreter. A key matches the label it equals or begins ({@code emr-7} matches {@code emr-7.2.0}); the
 * longest matching key wins, so {@code emr-7.5} can differ from the rest of 7.x. Keys with dots are written in
 * brackets: {@code platy.aws.emr-python.releases[emr-7.5].version=3.11}. Setting any entry replaces the whole
 * table.
 *
 * @param releases release-label prefix to the nodes' Python; default: {@code emr-7} (Amazon Linux 2023) and
 *                 {@code emr-6} (Amazon Linux 2) as documented by EMR: {@code /usr/bin/python3.9} and
 *                 {@code /usr/bin/python3.7}
 */
@Validated
@ConfigurationProperties("platy.aws.emr-python")
public record EmrPythonProperties(Map<String, @Valid @NotNull NodePython> releases) {

    /** What EMR's release notes say its nodes' {@code python3} is. */
    public static final Map<String, NodePython> DEFAULTS = Map.of(
            "emr-7", new NodePython("3.9", "/usr"),
            "emr-6", new NodePython("3.7", "/usr"));

    public EmrPythonProperties {
        releases = releases == null || releases.isEmpty() ? DEFAULTS : Map.copyOf(releases);
    }

    public static EmrPythonProperties defaults() {
        return new EmrPythonProperties(null);
    }

    /** The nodes' Python of {@code releaseLabel}, empty when the table does not know the release. */
    public Optional<NodePython> forRelease(String releaseLabel) {
        return releases.entrySet().stream()
                .filter(e -> releaseLabel.equals(e.getKey()) || releaseLabel.startsWith(e.getKey() + "."))
                .max(Comparator.comparingInt(e -> e.getKey().length()))
                .map(Map.Entry::getValue);
    }

    /**
     * @param version the nodes' Python version, e.g. {@code 3.9}
     * @param prefix  where it is installed: the interpreter is {@code <prefix>/bin/python<version>}
     */
    public record NodePython(
            @NotNull @Pattern(regexp = "3\\.[0-9]{1,2}", message = "must look like 3.9")
            String version,

            @NotNull @Pattern(regexp = "/[A-Za-z0-9._+/-]*", message = "must be an absolute path such as /usr")
            String prefix) {}
}
