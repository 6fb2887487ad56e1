package io.platyspark.cleaner;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.cleanup.CleanupProperties;
import io.platyspark.core.cleanup.RetentionCleaner;
import io.platyspark.core.schedule.FixedDelayRunner;
import io.platyspark.core.submit.SubmissionRunner;
import io.platyspark.core.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The cleaner as its own process: its schedule runs, its settings bind, and it neither submits nor runs Spark. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"platy.cleanup.app-retention=14d", "platy.cleanup.batch-size=250", "platy.cleanup.dry-run=true"})
class CleanerApplicationTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @Autowired
    ApplicationContext context;

    @Test
    void runsRetentionCleanUpOnlyWithItsSettings() {
        assertThat(context.getBean("cleanupRunner", FixedDelayRunner.class).isRunning())
                .isTrue();
        assertThat(context.getBeansOfType(SubmissionRunner.class)).isEmpty();
        assertThat(context.getBeansOfType(io.platyspark.backend.local.LocalSparkBackend.class))
                .isEmpty();
        CleanupProperties properties = context.getBean(CleanupProperties.class);
        assertThat(properties.appRetention()).isEqualTo(Duration.ofDays(14));
        assertThat(properties.batchSize()).isEqualTo(250);
        assertThat(context.getBean(RetentionCleaner.class).runOnce().dryRun()).isTrue();
    }
}
