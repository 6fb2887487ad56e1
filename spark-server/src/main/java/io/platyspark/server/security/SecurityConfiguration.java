package io.platyspark.server.security;

import io.platyspark.core.security.AuditLog;
import io.platyspark.core.security.SecurityProperties;
import io.platyspark.core.web.ApiSecurity;
import io.platyspark.core.web.ProblemResponses;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Every API call needs a bearer token: the platform's own API tokens by default, or JWTs from an identity
 * provider in {@code oidc} mode (Spring's resource-server support either way). Health, metrics and the API
 * description stay open for probes and scrapers.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties properties, AuditLog audit, Callers callers)
            throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            new BearerTokenAuthenticationEntryPoint().commence(request, response, e);
            AuditFilter.recordRefusal(audit, request, 401);
            ProblemResponses.write(
                    request,
                    response,
                    401,
                    "unauthenticated",
                    "Unauthenticated",
                    "send a valid API token as 'Authorization: Bearer <token>'; it may be missing, expired or "
                            + "revoked");
        };
        AccessDeniedHandler forbidden = (request, response, e) -> {
            AuditFilter.recordRefusal(audit, request, 403);
            ProblemResponses.write(request, response, 403, "forbidden", "Forbidden", "this needs an admin token");
        };
        // The setup app-builder shares (core's ApiSecurity), plus the admin-only paths.
        ApiSecurity.base(
                        http,
                        auth -> auth.requestMatchers("/actuator/**", "/api/v1/admin/**")
                                .hasRole("ADMIN"))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .oauth2ResourceServer(oauth -> {
                    oauth.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden);
                    if (properties.oidc()) {
                        oauth.jwt(jwt -> jwt.jwtAuthenticationConverter(jwtRoles(callers)));
                    } else {
                        // core's ApiTokenIntrospector bean: the platform's tokens, with the outage cache.
                        oauth.opaqueToken(Customizer.withDefaults());
                    }
                });
        return http.build();
    }

    private static JwtAuthenticationConverter jwtRoles(Callers callers) {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> {
            Collection<GrantedAuthority> authorities =
                    new ArrayList<>(List.of(new SimpleGrantedAuthority("ROLE_USER")));
            if (callers.isAdmin(jwt)) {
                authorities.add(new SimpleGrantedAuthority("ROLE_ADMIN"));
            }
            return authorities;
        });
        return converter;
    }
}
