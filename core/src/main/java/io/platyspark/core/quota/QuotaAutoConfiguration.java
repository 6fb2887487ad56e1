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
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration"},
        beforeName = "io.platyspark.core.config.PlatyCoreAutoConfiguration")
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(QuotaProperties.class)
public class QuotaAutoConfiguration {

    @Bean
    JdbcTeamQuotas teamQuotas(DataSource dataSource, QuotaProperties properties, ObjectProvider<JsonMapper> json,
            ObjectProvider<Clock> clock) {
        return new JdbcTeamQuotas(JdbcClient.create(dataSource), properties, json.getIfAvailable(JsonMapper::new),
                clock.getIfAvailable(Clock::systemUTC));
    }
}
