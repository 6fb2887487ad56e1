package io.platyspark.core.quota;

import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Team quotas: the store's admission check and fair dispatch read them; the API and metrics show them. */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration"
        },
        beforeName = "io.platyspark.core.config.PlatyCoreAutoConfiguration")
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(QuotaProperties.class)
public class QuotaAutoConfiguration {

    @Bean
    JdbcTeamQuotas teamQuotas(
            DataSource dataSource,
            QuotaProperties properties,
            ObjectProvider<JsonMapper> json,
            ObjectProvider<Clock> clock) {
        return new JdbcTeamQuotas(
                JdbcClient.create(dataSource),
                properties,
                json.getIfAvailable(JsonMapper::new),
                clock.getIfAvailable(Clock::systemUTC));
    }

    /** Per-team gauges where metrics are exported and the submission worker runs (spark-server). */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(
            name = "platy.submission.enabled",
            havingValue = "true")
    io.platyspark.core.schedule.FixedDelayRunner teamUsageGauges(
            DataSource dataSource,
            ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry,
            QuotaProperties properties) {
        io.micrometer.core.instrument.MeterRegistry meters =
                registry.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new);
        TeamUsageGauges gauges = new TeamUsageGauges(JdbcClient.create(dataSource), meters);
        return new io.platyspark.core.schedule.FixedDelayRunner(
                "team-usage-gauges", properties.metricsInterval(), 1, gauges::refresh, meters);
    }
}
