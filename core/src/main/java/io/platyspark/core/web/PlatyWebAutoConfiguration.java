package io.platyspark.core.web;

import io.platyspark.core.artifact.ArtifactProperties;
import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.security.SecurityProperties;
import java.time.Clock;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * The HTTP edge every PlatySpark API app shares (spark-server, app-builder): request ids, body size limits, a
 * parseable query, problem+json for everything refused (Tomcat, the firewall, Spring MVC, the error page), strict
 * JSON, and a default bearer-token security chain for an app that brings none of its own. Only apps with Spring
 * Security and Spring MVC on the classpath get it; core's dependencies on both are optional.
 */
@AutoConfiguration(
        beforeName = {
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
            "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration"
        },
        afterName = "io.platyspark.core.config.PlatyCoreAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityFilterChain.class, org.springframework.web.servlet.DispatcherServlet.class})
@EnableConfigurationProperties(TokenCacheProperties.class)
public class PlatyWebAutoConfiguration {

    /** The path whose bodies get the upload limit instead of the JSON one. */
    static final String UPLOADS = "/api/v1/artifacts";

    @Bean
    FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
        FilterRegistrationBean<RequestIdFilter> registration = new FilterRegistrationBean<>(new RequestIdFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(
            SecurityProperties security, ArtifactProperties artifacts) {
        FilterRegistrationBean<RequestSizeFilter> registration = new FilterRegistrationBean<>(new RequestSizeFilter(
                security.maxRequestSize().toBytes(), artifacts.maxUploadSize().toBytes(), UPLOADS));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<MalformedRequestFilter> malformedRequestFilter() {
        FilterRegistrationBean<MalformedRequestFilter> registration =
                new FilterRegistrationBean<>(new MalformedRequestFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    /** A database failure in a filter (the token check, the audit) is 503 store-unavailable, not a bare 500. */
    @Bean
    FilterRegistrationBean<StoreOutageFilter> storeOutageFilter() {
        FilterRegistrationBean<StoreOutageFilter> registration = new FilterRegistrationBean<>(new StoreOutageFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }

    /**
     * No Micrometer observation around each of Spring Security's filters and its authentication: they cost every
     * request a dozen observations, and {@code http.server.requests} already times the whole call.
     */
    @Bean
    @ConditionalOnMissingBean
    SecurityObservationSettings platySecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    ProblemDetailAdvice problemDetailAdvice() {
        return new ProblemDetailAdvice();
    }

    @Bean
    ProblemErrorController problemErrorController() {
        return new ProblemErrorController();
    }

    /** What Spring Security's firewall refuses ({@code ;}, {@code %2F}, {@code ..}, odd headers): 400 problem+json. */
    @Bean
    RequestRejectedHandler problemRequestRejectedHandler() {
        return (request, response, e) -> ProblemResponses.write(
                request,
                response,
                400,
                "request-rejected",
                "Request rejected",
                "the URL or a header holds something the server refuses (';', an encoded '/', "
                        + "'..' segments, control or non-ASCII characters): percent-encode it or leave it out");
    }

    /** Tomcat's own refusals as problem+json: replaces the HTML error report valve on the host. */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorReportValve() {
        return new WebServerFactoryCustomizer<>() {
            @Override
            public void customize(ConfigurableTomcatWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    // The host adds its error valve by exact class name at start: name ours, and drop the plain
                    // one Spring Boot put there.
                    if (context.getParent() instanceof StandardHost host) {
                        host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                        for (Valve valve : host.getPipeline().getValves()) {
                            if (valve.getClass() == ErrorReportValve.class) {
                                host.getPipeline().removeValve(valve);
                            }
                        }
                    }
                });
            }
        };
    }

    /**
     * Strict JSON for every request body: an unknown field is refused (a typo is not silently dropped), and a
     * fraction is not an integer ({@code "ttlDays": 1.5} used to become 1).
     */
    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .withCoercionConfig(
                        LogicalType.Integer,
                        config -> config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail));
    }

    /** The platform's own tokens, checked the same way by every API app, with the outage cache. */
    @Bean
    @ConditionalOnBean(ApiTokenService.class)
    @ConditionalOnProperty(name = "platy.security.mode", havingValue = "tokens", matchIfMissing = true)
    ApiTokenIntrospector apiTokenIntrospector(ApiTokenService tokens, TokenCacheProperties cache, Clock clock) {
        return new ApiTokenIntrospector(tokens, new VerifiedTokenCache(cache.ttl(), cache.maxEntries(), clock));
    }

    /** An app without a security chain of its own (app-builder) gets the shared one with the platform's tokens. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    // Conditions on beans of the enclosing class's own methods would be judged before those are registered.
    @ConditionalOnBean(ApiTokenService.class)
    @ConditionalOnProperty(name = "platy.security.mode", havingValue = "tokens", matchIfMissing = true)
    static class DefaultChain {

        @Bean
        SecurityFilterChain platyApiSecurity(HttpSecurity http, ApiTokenIntrospector introspector) throws Exception {
            ApiSecurity.base(
                            http, rules -> rules.requestMatchers("/actuator/**").hasRole("ADMIN"))
                    .exceptionHandling(e -> e.authenticationEntryPoint(ApiSecurity.unauthenticated())
                            .accessDeniedHandler(ApiSecurity.forbidden("this needs an admin token")))
                    .oauth2ResourceServer(oauth -> oauth.authenticationEntryPoint(ApiSecurity.unauthenticated())
                            .accessDeniedHandler(ApiSecurity.forbidden("this needs an admin token"))
                            .opaqueToken(token -> token.introspector(introspector)));
            return http.build();
        }
    }
}
