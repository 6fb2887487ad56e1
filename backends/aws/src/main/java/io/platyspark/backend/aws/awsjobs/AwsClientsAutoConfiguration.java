package io.platyspark.backend.aws.awsjobs;

import io.platyspark.aws.AwsClients;
import io.platyspark.backend.aws.emr.AwsProperties;
import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConfigurationCondition;

/**
 * One set of AWS SDK clients ({@code platy.aws}'s region, endpoint and timeout) for every AWS backend that is on:
 * EMR, EMR on EKS and EMR Serverless share it, and it is closed with the context.
 */
@AutoConfiguration(before = PlatyCoreAutoConfiguration.class)
@Conditional(AwsClientsAutoConfiguration.AnyAwsBackend.class)
@EnableConfigurationProperties(AwsProperties.class)
public class AwsClientsAutoConfiguration {

    @Bean
    AwsClients awsClients(AwsProperties properties) {
        return new AwsClients(properties.region(), properties.endpoint(), properties.apiCallTimeout());
    }

    static final class AnyAwsBackend extends AnyNestedCondition {

        AnyAwsBackend() {
            super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(name = "platy.aws.enabled", havingValue = "true")
        static final class Emr {}

        @ConditionalOnProperty(name = "platy.eks.enabled", havingValue = "true")
        static final class Eks {}

        @ConditionalOnProperty(name = "platy.serverless.enabled", havingValue = "true")
        static final class Serverless {}
    }
}
