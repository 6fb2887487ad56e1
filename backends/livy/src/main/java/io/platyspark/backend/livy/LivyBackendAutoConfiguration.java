package io.platyspark.backend.livy;

import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import io.platyspark.core.submit.LivyRetention;
import io.platyspark.core.submit.SubmissionProperties;
import okhttp3.OkHttpClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Apps on clusters with a Livy URL: EMR masters and registered Livy servers. On unless turned off. */
@AutoConfiguration(before = PlatyCoreAutoConfiguration.class)
@ConditionalOnProperty(name = "platy.livy.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(LivyProperties.class)
public class LivyBackendAutoConfiguration {

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(name = "livyHttpClient")
    OkHttpClient livyHttpClient() {
        return new OkHttpClient();
    }

    @Bean
    LivySparkBackend livySparkBackend(
            LivyProperties properties, OkHttpClient livyHttpClient, SubmissionProperties submission) {
        if (submission.enabled()) {
            // Refused rather than warned: the failure is a Spark job run twice, silently, long after start-up.
            LivyRetention.problem("platy.livy.state-retain", properties.stateRetain(), submission)
                    .ifPresent(p -> {
                        throw new IllegalStateException(
                                "Livy's retention is too short for exactly-once submission: " + p);
                    });
        }
        return new LivySparkBackend(properties, livyHttpClient);
    }
}
