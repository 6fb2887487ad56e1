package io.platyspark.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.reconcile.ReconcileProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindConstructorProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * Every {@code platy.*} properties record is bound through its constructor. A record Spring cannot bind that way
 * (two constructors, say) is bound as a JavaBean, which for a record means silently keeping every default.
 */
class PropertiesBindingTest {

    @Test
    void everyPropertiesRecordHasAConstructorSpringBindsThrough() throws ClassNotFoundException {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<String> names = scanner.findCandidateComponents("io.platyspark").stream()
                .map(BeanDefinition::getBeanClassName)
                .sorted()
                .toList();

        assertThat(names).contains(ReconcileProperties.class.getName()).hasSizeGreaterThan(5);
        for (String name : names) {
            Class<?> type = Class.forName(name);
            if (type.isRecord()) {
                assertThat(BindConstructorProvider.DEFAULT.getBindConstructor(type, false))
                        .as("%s must have one constructor for Spring to bind", name)
                        .isNotNull();
            }
            assertThat(type.isAnnotationPresent(org.springframework.validation.annotation.Validated.class))
                    .as("%s must be @Validated, so that a value that cannot work stops the start", name)
                    .isTrue();
        }
    }

    @Test
    void reconcilePropertiesTakeTheirConfiguredValues() {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "platy.reconcile.enabled", "true",
                "platy.reconcile.interval", "300ms",
                "platy.reconcile.lost-after", "2m",
                "platy.reconcile.submitted-timeout", "20m")));

        ReconcileProperties bound =
                binder.bind("platy.reconcile", ReconcileProperties.class).get();

        assertThat(bound.enabled()).isTrue();
        assertThat(bound.interval()).isEqualTo(Duration.ofMillis(300));
        assertThat(bound.lostAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(bound.submittedTimeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(bound.pendingTimeout())
                .isEqualTo(ReconcileProperties.defaults().pendingTimeout());
    }

    @Test
    void aSubmissionClaimIsShortAndResolvedWithinSeconds() {
        io.platyspark.core.submit.SubmissionProperties defaults = new Binder(
                        new MapConfigurationPropertySource(Map.of("platy.submission.enabled", "true")))
                .bind("platy.submission", io.platyspark.core.submit.SubmissionProperties.class)
                .get();

        assertThat(defaults.lease()).isEqualTo(Duration.ofSeconds(15));
        assertThat(defaults.leaseRenewInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.claimResolutionBound())
                .as("what Livy's retention must outlive")
                .isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.maxBackoff())
                .as("an app goes on soon after an outage")
                .isEqualTo(Duration.ofMinutes(1));
    }
}
