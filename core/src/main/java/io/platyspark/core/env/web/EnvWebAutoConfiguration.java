package io.platyspark.core.env.web;

import io.platyspark.core.env.Environments;
import io.platyspark.core.web.ApiTokenIntrospector;
import io.platyspark.core.web.CurrentCaller;
import io.platyspark.core.web.PlatyWebAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Serves {@code /api/v1/envs} wherever an API app (Spring MVC and Spring Security) has {@link Environments}:
 * spark-server and the app-builder get the same controller and the same refusals.
 */
// PlatyCoreAutoConfiguration by name: core.config wires the env package, which must not see core.config back.
@AutoConfiguration(
        after = PlatyWebAutoConfiguration.class,
        afterName = "io.platyspark.core.config.PlatyCoreAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityFilterChain.class, DispatcherServlet.class})
@ConditionalOnBean(Environments.class)
public class EnvWebAutoConfiguration {

    @Bean
    EnvController envController(Environments envs, CurrentCaller callers) {
        return new EnvController(envs, callers);
    }

    @Bean
    EnvProblems envProblems() {
        return new EnvProblems();
    }

    /** The caller of a platform token; an app that accepts other credentials declares its own. */
    @Bean
    @ConditionalOnMissingBean
    CurrentCaller platformTokenCaller() {
        return () -> {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            return auth != null
                            && auth.isAuthenticated()
                            && auth.getPrincipal() instanceof OAuth2AuthenticatedPrincipal p
                    ? ApiTokenIntrospector.caller(p)
                    : null;
        };
    }
}
