package io.platyspark.core.web;

import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * The Spring Security setup every PlatySpark API app shares: stateless bearer tokens, problem+json refusals, probes
 * and the API description open, everything else authenticated. Rules match the decoded, normalised path Spring
 * Security sees (its firewall refuses {@code ;}, encoded slashes and dot segments first), never the raw URI, so
 * {@code /%61pi/v1/…} or {@code /api;x=1/v1/…} cannot slip past a prefix check.
 */
public final class ApiSecurity {

    /** Open to anyone with GET: health probes, Prometheus and the API description. */
    public static final String[] OPEN_GETS = {
        "/actuator/health",
        "/actuator/health/**",
        "/actuator/info",
        "/actuator/prometheus",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/swagger-ui.html",
        "/swagger-ui/**"
    };

    private ApiSecurity() {}

    /** 401 as problem+json, with the header RFC 6750 asks for. */
    public static AuthenticationEntryPoint unauthenticated() {
        return (request, response, e) -> {
            response.setHeader("WWW-Authenticate", "Bearer");
            ProblemResponses.write(
                    request,
                    response,
                    401,
                    "unauthenticated",
                    "Unauthenticated",
                    "send a valid API token as 'Authorization: Bearer <token>'; it may be missing, expired or revoked");
        };
    }

    /** 403 as problem+json. */
    public static AccessDeniedHandler forbidden(String detail) {
        return (request, response, e) ->
                ProblemResponses.write(request, response, 403, "forbidden", "Forbidden", detail);
    }

    /**
     * Applies the shared part: no sessions or CSRF (bearer tokens only), the open GETs, the error page.
     * {@code rules} adds the app's own rules before "everything else needs a token". The filters a browser login
     * needs (session management, the saved-request cache, logout, the servlet API wrapper) are left out: every
     * request carries its token, and each filter costs every call.
     */
    public static HttpSecurity base(
            HttpSecurity http,
            org.springframework.security.config.Customizer<
                            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry>
                    rules)
            throws Exception {
        return http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.disable())
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .requestCache(c -> c.disable())
                .logout(l -> l.disable())
                .servletApi(a -> a.disable())
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers(HttpMethod.GET, OPEN_GETS)
                            .permitAll()
                            .requestMatchers("/error")
                            .permitAll();
                    rules.customize(auth);
                    auth.anyRequest().authenticated();
                });
    }
}
