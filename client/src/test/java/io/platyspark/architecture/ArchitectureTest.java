package io.platyspark.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering docs/architecture.md draws, held against the compiled classes of every module: libraries see no
 * Spring and no platform code, core sees no backend, no backend sees another, and no two packages of core (or
 * modules of the suite) depend on each other both ways. This module's test classpath holds them all (spark-server
 * brings core, the backends and the libraries).
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() {
        // Main code only: test classes and the modules' test-jars (shared fixtures) are not the architecture.
        ImportOption mainCodeOnly =
                location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
        classes = new ClassFileImporter().withImportOption(mainCodeOnly).importPackages("io.platyspark");
    }

    @Test
    void everyModuleIsOnTheClasspath() {
        // Guards the rules below against passing vacuously because a module's classes went missing.
        for (String pkg : new String[] {
            "io.platyspark.livy",
            "io.platyspark.aws",
            "io.platyspark.core",
            "io.platyspark.backend.livy",
            "io.platyspark.backend.aws.emr",
            "io.platyspark.backend.local",
            "io.platyspark.server",
            "io.platyspark.client"
        }) {
            assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                    .as(pkg)
                    .isTrue();
        }
    }

    @Test
    void theLibrariesAndTheSdkHaveNoSpring() {
        noClasses()
                .that()
                .resideInAnyPackage("io.platyspark.livy..", "io.platyspark.aws..", "io.platyspark.client..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..")
                .check(classes);
    }

    @Test
    void theLibrariesSeeNoPlatformCodeAndNotEachOther() {
        noClasses()
                .that()
                .resideInAPackage("io.platyspark.livy..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.platyspark.aws..",
                        "io.platyspark.core..",
                        "io.platyspark.backend..",
                        "io.platyspark.server..",
                        "io.platyspark.client..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.platyspark.aws..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.platyspark.livy..",
                        "io.platyspark.core..",
                        "io.platyspark.backend..",
                        "io.platyspark.server..",
                        "io.platyspark.client..")
                .check(classes);
    }

    @Test
    void coreKnowsOnlyItsPortsNeverABackendTheLibrariesOrAnApp() {
        noClasses()
                .that()
                .resideInAPackage("io.platyspark.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.platyspark.backend..",
                        "io.platyspark.livy..",
                        "io.platyspark.aws..",
                        "io.platyspark.server..",
                        "io.platyspark.client..")
                .check(classes);
    }

    @Test
    void eachBackendFamilyStandsAlone() {
        // A family is a module under backends/ (io.platyspark.backend.livy, .aws, .local); inside one, packages share.
        slices().matching("io.platyspark.backend.(*)..")
                .should()
                .notDependOnEachOther()
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.platyspark.backend..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.platyspark.server..", "io.platyspark.client..")
                .check(classes);
    }

    @Test
    void theSdkTalksHttpOnly() {
        // The client is what users install: it speaks the REST API and shares no classes with the server.
        noClasses()
                .that()
                .resideInAPackage("io.platyspark.client..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.platyspark.core..",
                        "io.platyspark.server..",
                        "io.platyspark.backend..",
                        "io.platyspark.livy..",
                        "io.platyspark.aws..")
                .check(classes);
    }

    @Test
    void thePackagesOfCoreAreOneWay() {
        slices().matching("io.platyspark.core.(*)..").should().beFreeOfCycles().check(classes);
        // The slices above leave out core's root package (InvalidFieldException, SecretRedactor, SqlStates), which
        // every feature package uses: it is the bottom layer, so it sees none of them and can be in no cycle.
        noClasses()
                .that()
                .resideInAPackage("io.platyspark.core")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.platyspark.core.*..")
                .check(classes);
    }

    @Test
    void theModulesAreOneWay() {
        slices().matching("io.platyspark.(*)..").should().beFreeOfCycles().check(classes);
    }
}
