package io.platyspark.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.core.backend.livy.LivyProperties;
import io.platyspark.core.backend.livy.LivyRetention;
import io.platyspark.core.backend.livy.LivySparkBackend;
import io.platyspark.core.submit.SubmissionProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A process that submits to Livy refuses to start when Livy's retention is too short for exactly-once. */
class LivyRetentionStartupTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({LivyProperties.class, SubmissionProperties.class})
    static class Properties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, PlatyCoreAutoConfiguration.LivyBackendConfiguration.class)
            .withPropertyValues("platy.submission.enabled=true", "platy.submission.lease=5m",
                    "platy.submission.poll-interval=1s");

    @Test
    void aRetentionShorterThanTheLeasesWorstCaseStopsTheStart() {
        runner.withPropertyValues("platy.livy.state-retain=120s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
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

    @Test
    void theEmrClustersLivyConfIsCheckedToo() {
        SubmissionProperties submission = new SubmissionProperties(true, 2, 10, Duration.ofSeconds(1),
                Duration.ofMinutes(5), 5, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(15));
        Map<String, Map<String, String>> platformDefault = PlatformDefaults.emr7(List.of("subnet-1"), "s3://l/")
                .configurations();
        Map<String, Map<String, String>> shortRetention = new LinkedHashMap<>(platformDefault);
        shortRetention.put("livy-conf", Map.of("livy.server.session.state-retain.sec", "240"));

        assertThat(LivyRetention.startupProblems(Duration.ofMinutes(10), shortRetention, submission))
                .singleElement().asString()
                .startsWith("the EMR clusters' livy-conf livy.server.session.state-retain.sec is 240s");
        assertThat(LivyRetention.startupProblems(Duration.ofMinutes(10), platformDefault, submission))
                .as("EMR's platform default is 3600s").isEmpty();
        assertThat(LivyRetention.startupProblems(Duration.ofMinutes(10), Map.of("livy-conf",
                Map.of("livy.server.session.state-retain.sec", "5m")), submission)).as("5m = the lease, not longer")
                .hasSize(1);
        assertThat(LivyRetention.startupProblems(Duration.ofMinutes(10), null, submission)).isEmpty();
    }
}
