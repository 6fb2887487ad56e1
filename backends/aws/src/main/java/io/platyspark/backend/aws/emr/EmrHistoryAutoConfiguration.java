package io.platyspark.backend.aws.emr;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.s3.S3Logs;
import io.platyspark.core.history.HistoryAutoConfiguration;
import io.platyspark.core.history.HistoryProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** EMR's part of app history: event logs under the artifact bucket, container logs under the log URI. */
@AutoConfiguration(before = HistoryAutoConfiguration.class, after = AwsBackendAutoConfiguration.class)
@ConditionalOnProperty(name = "platy.aws.enabled", havingValue = "true")
@EnableConfigurationProperties(HistoryProperties.class)
public class EmrHistoryAutoConfiguration {

    @Bean
    S3Logs s3Logs(AwsClients clients) {
        return new S3Logs(clients.s3());
    }

    @Bean
    @ConditionalOnProperty(name = "platy.aws.artifact-bucket")
    EmrEventLogs emrEventLogs(
            S3Logs s3, AwsProperties aws, HistoryProperties history, ObjectProvider<EmrClusterBackend> clusters) {
        EmrEventLogs events = new EmrEventLogs(
                s3, EmrEventLogs.root(aws.artifactBucket(), aws.artifactPrefix()), history.eventLogConf());
        clusters.ifAvailable(backend -> backend.withEventLogs(events));
        return events;
    }

    @Bean
    @ConditionalOnProperty(name = "platy.aws.log-uri")
    EmrLogArchive emrLogArchive(S3Logs s3, AwsProperties aws) {
        return new EmrLogArchive(s3, aws.logUri());
    }
}
