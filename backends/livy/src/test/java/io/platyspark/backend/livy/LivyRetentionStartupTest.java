package io.platyspark.backend.livy;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.submit.SubmissionProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** A process that submits to Livy refuses to start when Livy's retention is too short for exactly-once. */
class LivyRetentionStartupTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({LivyProperties.class, SubmissionProperties.class})
    static class Properties {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, LivyBackendAutoConfiguration.class)
            .withPropertyValues(
                    "platy.submission.enabled=true", "platy.submission.lease=5m", "platy.submission.poll-interval=1s");

    @Test
    void aRetentionShorterThanTheLeasesWorstCaseStopsTheStart() {
        runner.withPropertyValues("platy.livy.state-retain=120s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining(
                            "platy.livy.state-retain is 120s, but exactly-once submission needs Livy to keep a finished "
                                    + "batch for longer than the submission lease's worst case")
                    .hasMessageContaining("301000ms")
                    .hasMessageContaining("livy.server.session.state-retain.sec");
        });
    }

    @Test
    void livysDefaultRetentionOutlivesTheLeaseAndStarts() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(LivySparkBackend.class));
    }

    @Test
    void aProcessThatSubmitsNothingIsNotConcerned() {
        runner.withPropertyValues("platy.submission.enabled=false", "platy.livy.state-retain=60s")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
