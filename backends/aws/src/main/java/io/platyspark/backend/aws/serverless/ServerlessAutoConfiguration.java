package io.platyspark.backend.aws.serverless;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.serverless.EmrServerlessJobs;
import io.platyspark.backend.aws.awsjobs.S3JobLogs;
import io.platyspark.backend.aws.emr.AwsProperties;
import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** EMR Serverless applications as clusters of kind {@code SERVERLESS}, when {@code platy.serverless.enabled}. */
@AutoConfiguration(after = PlatyCoreAutoConfiguration.class)
@EnableConfigurationProperties({ServerlessProperties.class, AwsProperties.class})
@ConditionalOnProperty(name = "platy.serverless.enabled", havingValue = "true")
public class ServerlessAutoConfiguration {

    @Bean
    EmrServerlessJobs emrServerlessJobs(ObjectProvider<AwsClients> clients, AwsProperties aws) {
        return new EmrServerlessJobs(clients(clients, aws).emrServerless());
    }

    @Bean
    ServerlessClusterBackend serverlessClusterBackend(EmrServerlessJobs serverless) {
        return new ServerlessClusterBackend(serverless);
    }

    @Bean
    ServerlessSparkBackend serverlessSparkBackend(
            EmrServerlessJobs serverless, ObjectProvider<AwsClients> clients, AwsProperties aws) {
        return new ServerlessSparkBackend(
                serverless, new S3JobLogs(clients(clients, aws).s3(), ServerlessClusterBackend.NAME));
    }

    @Bean
    ServerlessClusterConfigs serverlessClusterConfigs(ServerlessProperties properties) {
        return new ServerlessClusterConfigs(properties);
    }

    private static AwsClients clients(ObjectProvider<AwsClients> clients, AwsProperties aws) {
        return clients.getIfAvailable(() -> new AwsClients(aws.region(), aws.endpoint(), aws.apiCallTimeout()));
    }
}
