package io.platyspark.backend.aws.serverless;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.serverless.EmrServerlessJobs;
import io.platyspark.backend.aws.awsjobs.AwsClientsAutoConfiguration;
import io.platyspark.backend.aws.awsjobs.S3JobLogs;
import io.platyspark.backend.aws.emr.AwsProperties;
import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** EMR Serverless applications as clusters of kind {@code SERVERLESS}, when {@code platy.serverless.enabled}. */
@AutoConfiguration(after = {PlatyCoreAutoConfiguration.class, AwsClientsAutoConfiguration.class})
@EnableConfigurationProperties({ServerlessProperties.class, AwsProperties.class})
@ConditionalOnProperty(name = "platy.serverless.enabled", havingValue = "true")
public class ServerlessAutoConfiguration {

    @Bean
    EmrServerlessJobs emrServerlessJobs(AwsClients clients) {
        return new EmrServerlessJobs(clients.emrServerless());
    }

    @Bean
    ServerlessClusterBackend serverlessClusterBackend(EmrServerlessJobs serverless) {
        return new ServerlessClusterBackend(serverless);
    }

    @Bean
    ServerlessSparkBackend serverlessSparkBackend(EmrServerlessJobs serverless, AwsClients clients) {
        return new ServerlessSparkBackend(serverless, new S3JobLogs(clients.s3(), ServerlessClusterBackend.NAME));
    }

    @Bean
    ServerlessClusterConfigs serverlessClusterConfigs(ServerlessProperties properties) {
        return new ServerlessClusterConfigs(properties);
    }
}
