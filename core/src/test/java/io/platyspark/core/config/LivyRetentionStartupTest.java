package io.platyspark.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.core.backend.livy.LivyProperties;
import io.platyspark.core.backend.livy.LivySparkBackend;
import io.platyspark.core.submit.SubmissionProperties;
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
        PlatformDefaults base = PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/");
        Map<String, Map<String, String>> configurations = new LinkedHashMap<>(base.configurations());
        configurations.put("livy-conf", Map.of("livy.server.session.state-retain.sec", "240"));
        PlatformDefaults shortRetention = new PlatformDefaults(base.releaseLabel(), base.applications(),
                base.subnetIds(), null, null, null, base.serviceRole(), base.jobFlowRole(), base.logUri(), null,
                configurations, base.tags(), base.gravitonInstanceTypes(), base.x86InstanceTypes(), base.policy());

        runner.withBean(PlatformDefaults.class, () -> shortRetention).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("the EMR clusters' livy-conf livy.server.session.state-retain.sec is 240s");
        });
        runner.withBean(PlatformDefaults.class, () -> base)
                .run(context -> assertThat(context).as("EMR's platform default is 3600s").hasNotFailed());
    }
}
