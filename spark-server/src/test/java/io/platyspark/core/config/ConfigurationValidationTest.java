package io.platyspark.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.backend.aws.emr.AwsProperties;
import io.platyspark.backend.livy.LivyProperties;
import io.platyspark.backend.local.LocalSparkProperties;
import io.platyspark.core.artifact.ArtifactProperties;
import io.platyspark.core.cleanup.CleanupProperties;
import io.platyspark.core.env.EnvProperties;
import io.platyspark.core.reconcile.ReconcileProperties;
import io.platyspark.core.schedule.LeaderProperties;
import io.platyspark.core.security.SecurityProperties;
import io.platyspark.core.submit.SubmissionProperties;
import io.platyspark.core.web.TokenCacheProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * A setting that cannot work stops the service at start-up with a message naming it, instead of a worker pool of
 * zero threads that silently submits nothing (threads=0 used to start).
 */
class ConfigurationValidationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({
        SubmissionProperties.class,
        ReconcileProperties.class,
        CleanupProperties.class,
        LeaderProperties.class,
        LivyProperties.class,
        LocalSparkProperties.class,
        EnvProperties.class,
        TokenCacheProperties.class,
        AwsProperties.class,
        SecurityProperties.class,
        ArtifactProperties.class
    })
    static class AllProperties {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(AllProperties.class);

    @Test
    void theDefaultsAreValid() {
        runner.run(context -> assertThat(context).hasNotFailed());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "platy.submission.threads=0",
                "platy.submission.batch-size=0",
                "platy.submission.max-attempts=0",
                "platy.submission.poll-interval=0s",
                "platy.submission.lease=0s",
                "platy.submission.max-backoff=-1s",
                "platy.reconcile.interval=0s",
                "platy.reconcile.lost-after=0s",
                "platy.cleanup.batch-size=0",
                "platy.cleanup.interval=0s",
                "platy.leader.lease=100ms",
                "platy.livy.page-size=0",
                "platy.livy.max-retries=-1",
                "platy.local.max-concurrent-apps=0",
                "platy.env.max-concurrent-builds=0",
                "platy.security.token-cache.max-entries=-1",
                "platy.security.mode=ldap",
                "platy.aws.max-core-capacity=0"
            })
    void aSettingThatCannotWorkStopsTheStartNamingIt(String setting) {
        String name = setting.substring(0, setting.indexOf('='));
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining(name.substring(name.lastIndexOf('.') + 1));
        });
    }
}
