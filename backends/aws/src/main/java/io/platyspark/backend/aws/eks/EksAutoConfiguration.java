package io.platyspark.backend.aws.eks;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.eks.EmrOnEksJobs;
import io.platyspark.backend.aws.awsjobs.AwsClientsAutoConfiguration;
import io.platyspark.backend.aws.awsjobs.S3JobLogs;
import io.platyspark.backend.aws.emr.AwsProperties;
import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** EMR on EKS virtual clusters as clusters of kind {@code EKS}, when {@code platy.eks.enabled}. */
@AutoConfiguration(after = {PlatyCoreAutoConfiguration.class, AwsClientsAutoConfiguration.class})
@EnableConfigurationProperties({EksProperties.class, AwsProperties.class})
@ConditionalOnProperty(name = "platy.eks.enabled", havingValue = "true")
public class EksAutoConfiguration {

    @Bean
    EmrOnEksJobs emrOnEksJobs(AwsClients clients) {
        return new EmrOnEksJobs(clients.emrContainers());
    }

    @Bean
    EksClusterBackend eksClusterBackend(EmrOnEksJobs eks) {
        return new EksClusterBackend(eks);
    }

    @Bean
    EksSparkBackend eksSparkBackend(EmrOnEksJobs eks, AwsClients clients) {
        return new EksSparkBackend(eks, new S3JobLogs(clients.s3(), EksClusterBackend.NAME));
    }

    @Bean
    EksClusterConfigs eksClusterConfigs(EksProperties properties) {
        return new EksClusterConfigs(properties);
    }
}
