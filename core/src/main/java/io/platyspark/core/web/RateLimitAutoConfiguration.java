package io.platyspark.core.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.web.SecurityFilterChain;

/** Per-token rate and in-flight limits on every app that serves the API with Spring Security (spark-server, app-builder). */
@AutoConfiguration
@ConditionalOnClass({SecurityFilterChain.class, org.springframework.web.servlet.DispatcherServlet.class})
@EnableConfigurationProperties(RateLimitProperties.class)
public class RateLimitAutoConfiguration {

    /**
     * Spring Security's chain runs at -100 and spark-server's audit at -98: the limit sits right inside security,
     * so it knows the caller, and before the audit, so a flood of refusals is not a flood of audit rows written to
     * the database the limit protects (they are counted as {@code platy.api.refused{reason=rate}}).
     */
    static final int AFTER_SECURITY_BEFORE_AUDIT = -99;

    /** Spring Security's chain runs at -100: the bulkhead sits just before it, so a refusal costs no token check. */
    static final int BEFORE_SECURITY = -101;

    @Bean
    @ConditionalOnProperty(name = "platy.rate-limit.enabled", havingValue = "true", matchIfMissing = true)
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(
            RateLimitProperties properties, ObjectProvider<MeterRegistry> meters) {
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(
                new RateLimitFilter(properties, meters.getIfAvailable(SimpleMeterRegistry::new)));
        registration.setOrder(AFTER_SECURITY_BEFORE_AUDIT);
        return registration;
    }

    @Bean
    @ConditionalOnProperty(name = "platy.rate-limit.enabled", havingValue = "true", matchIfMissing = true)
    FilterRegistrationBean<InFlightLimitFilter> inFlightLimitFilter(
            RateLimitProperties properties, ObjectProvider<MeterRegistry> meters) {
        FilterRegistrationBean<InFlightLimitFilter> registration = new FilterRegistrationBean<>(new InFlightLimitFilter(
                properties.seatsOrDefault(),
                properties.maxInFlight(),
                properties.maxWaiting(),
                properties.maxWait(),
                meters.getIfAvailable(SimpleMeterRegistry::new)));
        registration.setOrder(BEFORE_SECURITY);
        return registration;
    }
}
