package io.platyspark.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.core.backend.TargetPlatform;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvSpecTest {

    @Test
    void spellingDoesNotMakeADifferentEnvironment() {
        EnvSpec a = new EnvSpec(
                List.of("Requests==2.32.3", "# a comment", "", "tabulate >= 0.9  # why"),
                "3.11",
                TargetPlatform.X86_64,
                null);
        EnvSpec b = new EnvSpec(List.of("tabulate>=0.9", "requests==2.32.3"), "3.11", TargetPlatform.X86_64, null);
        EnvSpec otherPlatform = new EnvSpec(b.requirements(), "3.11", TargetPlatform.AARCH64, null);
        EnvSpec otherIndex = new EnvSpec(b.requirements(), "3.11", TargetPlatform.X86_64, "https://pypi.internal");

        assertThat(a.requirements()).containsExactly("requests==2.32.3", "tabulate>=0.9");
        assertThat(a.cacheKey()).isEqualTo(b.cacheKey());
        assertThat(otherPlatform.cacheKey()).isNotEqualTo(b.cacheKey());
        assertThat(otherIndex.cacheKey()).isNotEqualTo(b.cacheKey());
        assertThat(new EnvSpec(List.of("Zope.Interface"), "3.11", TargetPlatform.X86_64, null).requirements())
                .containsExactly("zope-interface");
    }

    @Test
    void theBootstrapScriptInstallsTheSameRequirements() {
        String script = BootstrapScripts.forSpec(new EnvSpec(
                List.of("tabulate==0.9.0", "it's"), "3.11", TargetPlatform.AARCH64, "https://pypi.internal/simple"));

        assertThat(script)
                .startsWith("#!/bin/bash")
                .contains("set -euo pipefail")
                .contains("--index-url 'https://pypi.internal/simple'")
                .contains("'tabulate==0.9.0'")
                .contains("'it'\"'\"'s'");
    }

    @Test
    void onlyPackageRequirementsAreAcceptedNotPipOptionsOrDirectReferences() {
        for (String ok : List.of(
                "requests==2.32.3",
                "numpy>=1.26,<2",
                "pandas[excel]==2.2.2",
                "tabulate; python_version >= \"3.8\"",
                "# a comment",
                "",
                "six  # pinned below")) {
            assertThat(EnvSpec.requirementProblem(ok)).as(ok).isNull();
        }
        for (String bad : List.of(
                "-r /etc/passwd",
                "--index-url http://10.0.0.1/simple",
                "-e .",
                "-c x.txt",
                "pkg @ file:///etc/passwd",
                "https://example.com/x.whl",
                "/etc/passwd",
                "./local-dir",
                "pkg --global-option=--x",
                "requests==2.32.3 --hash=sha256:00",
                "requests==${DB_PASSWORD}",
                "env/../../srv/app",
                "requests==2.32.3 \\",
                "pkg; python_version > `id`")) {
            assertThat(EnvSpec.requirementProblem(bad)).as(bad).isNotNull();
        }
        assertThatThrownBy(
                        () -> EnvSpec.checkRequirements(List.of("requests==2.32.3", "-r /etc/passwd"), "requirements"))
                .isInstanceOf(io.platyspark.core.InvalidFieldException.class)
                .hasMessageContaining("pip options")
                .satisfies(e -> assertThat(((io.platyspark.core.InvalidFieldException) e).field())
                        .isEqualTo("requirements[1]"));
    }

    @Test
    void theBootstrapScriptNeverCarriesTheIndexCredentials() {
        String script = BootstrapScripts.forSpec(new EnvSpec(
                List.of("requests==2.32.3"),
                "3.11",
                TargetPlatform.X86_64,
                "https://ci:s3cr3t-token@pypi.internal/simple"));

        assertThat(script)
                .contains("--index-url 'https://pypi.internal/simple'")
                .doesNotContain("s3cr3t-token")
                .doesNotContain("ci:");
    }

    @Test
    void environmentMarkersKeepTheirWords() {
        EnvSpec spec = new EnvSpec(
                List.of("Tabulate >= 0.9 ;  platform_machine not in \"arm64 aarch64\""),
                "3.11",
                TargetPlatform.X86_64,
                null);

        assertThat(spec.requirements()).containsExactly("tabulate>=0.9; platform_machine not in \"arm64 aarch64\"");
    }

    /** Python's str.splitlines() (which pip uses) splits on each of these; Java's regexes do not. */
    static final String PYTHON_LINE_BREAKS = "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029";

    @Test
    void aCharacterPipSplitsLinesOnCannotSmuggleAnOption() {
        assertThatThrownBy(() -> EnvSpec.checkRequirements(List.of("requests\u001c-rpasswd"), "requirements"))
                .isInstanceOf(io.platyspark.core.InvalidFieldException.class)
                .hasMessageContaining("U+001C")
                .satisfies(e -> assertThat(((io.platyspark.core.InvalidFieldException) e).field())
                        .isEqualTo("requirements[0]"));
        assertThatThrownBy(() -> EnvSpec.checkRequirements(List.of("tabulate", "six\u001c--no-index"), "requirements"))
                .isInstanceOf(io.platyspark.core.InvalidFieldException.class)
                .satisfies(e -> assertThat(((io.platyspark.core.InvalidFieldException) e).field())
                        .isEqualTo("requirements[1]"));
        for (char c : PYTHON_LINE_BREAKS.toCharArray()) {
            for (String line : List.of(
                    "six" + c + "--no-index",
                    "six # note" + c + "-r /etc/passwd",
                    "six; python_version >= \"3" + c + "\"")) {
                assertThat(EnvSpec.requirementProblem(line))
                        .as("U+%04X in %s", (int) c, line)
                        .isNotNull();
            }
        }
        for (char c = 0; c < 0x20; c++) {
            if (c != '\t') {
                assertThat(EnvSpec.requirementProblem("six" + c))
                        .as("U+%04X", (int) c)
                        .isNotNull();
            }
        }
    }

    @Test
    void theGrammarAcceptsPep508RequirementsWithoutUrls() {
        for (String ok : List.of(
                "requests",
                "Zope.Interface>=5",
                "pandas [excel, performance] >=2.2 , <3",
                "numpy (>=1.26,<2)",
                "black~=24.1",
                "attrs===23.1.0",
                "torch==2.3.0+cpu",
                "foo!=1.*",
                "tabulate; python_version >= '3.8' and (sys_platform == 'linux' or os_name != \"nt\")",
                "uvloop ; platform_python_implementation == \"CPython\" and sys_platform not in \"win32 cygwin\"",
                "six\t# tab before the comment")) {
            assertThat(EnvSpec.requirementProblem(ok)).as(ok).isNull();
        }
        for (String bad : List.of(
                "requests==",
                "requests[",
                "requests[x",
                "requests (>=1",
                "a-",
                "requests,six",
                "six; os_name",
                "six; unknown_var == 'x'",
                "six; os_name == 'a$b'",
                "six; os_name == 'x",
                "requests#nospace",
                "requests==1 six",
                "requests< -r", // found by jqwik: pip would read "-r" as an option
                "requests< -rother.txt",
                "requests>= --no-index",
                "requests==-1",
                "requests==.1",
                "x".repeat(RequirementGrammar.MAX_LENGTH + 1))) {
            assertThat(EnvSpec.requirementProblem(bad)).as(bad).isNotNull();
        }
    }
}
