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
     * Spring Security's chain runs at -100 and spark-server's audit at -99: the limit sits inside both, so it
     * knows the caller, and a refused request is audited like any other refusal.
     */
    static final int AFTER_SECURITY_AND_AUDIT = -98;

    /** Spring Security's chain runs at -100: the bulkhead sits just before it, so a refusal costs no token check. */
    static final int BEFORE_SECURITY = -101;

    @Bean
    @ConditionalOnProperty(name = "platy.rate-limit.enabled", havingValue = "true", matchIfMissing = true)
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimitProperties properties) {
        FilterRegistrationBean<RateLimitFilter> registration =
                new FilterRegistrationBean<>(new RateLimitFilter(properties));
        registration.setOrder(AFTER_SECURITY_AND_AUDIT);
        return registration;
    }

    @Bean
    @ConditionalOnProperty(name = "platy.rate-limit.enabled", havingValue = "true", matchIfMissing = true)
    FilterRegistrationBean<InFlightLimitFilter> inFlightLimitFilter(
            RateLimitProperties properties, ObjectProvider<MeterRegistry> meters) {
        FilterRegistrationBean<InFlightLimitFilter> registration = new FilterRegistrationBean<>(
                new InFlightLimitFilter(properties.maxInFlight(), meters.getIfAvailable(SimpleMeterRegistry::new)));
        registration.setOrder(BEFORE_SECURITY);
        return registration;
    }
}
