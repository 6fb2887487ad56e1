package io.platyspark.server.security;

import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.security.AuditLog;
import io.platyspark.core.security.SecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The audit just inside Spring Security, and the bootstrap admin token (size limits: core's web edge). */
@Configuration(proxyBeanMethods = false)
class SecurityFilters {

    private static final Logger log = LoggerFactory.getLogger(SecurityFilters.class);
    /**
     * Spring Security's filter chain runs at -100 and core's rate limit at -99: the audit sits inside both (a
     * rate-limited call is counted, not audited).
     */
    private static final int INSIDE_SECURITY = -98;

    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter(AuditLog audit, Callers callers) {
        FilterRegistrationBean<AuditFilter> registration =
                new FilterRegistrationBean<>(new AuditFilter(audit, callers));
        registration.setOrder(INSIDE_SECURITY);
        return registration;
    }

    @Bean
    ApplicationRunner bootstrapAdminToken(SecurityProperties properties, ApiTokenService tokens) {
        return args -> {
            if (properties.oidc()) {
                return;
            }
            // A problem with the bootstrap token is logged, never fatal: admins with other tokens still get in.
            try {
                if (properties.bootstrapAdminToken() != null
                        && !properties.bootstrapAdminToken().isBlank()) {
                    ApiTokenService.Bootstrap outcome =
                            tokens.ensureBootstrapAdmin(properties.bootstrapAdminToken(), "configuration");
                    if (outcome == ApiTokenService.Bootstrap.REACTIVATED) {
                        log.warn("the bootstrap admin token from configuration had been revoked and is active "
                                + "again; remove platy.security.bootstrap-admin-token to retire it for good");
                    } else {
                        log.info("bootstrap admin token from configuration is active");
                    }
                } else if (properties.generateAdminToken()) {
                    String secret = tokens.newSecret();
                    tokens.ensureBootstrapAdmin(secret, "generated at start");
                    // Printed once, on purpose: the embedded default must be usable without reading the database.
                    System.out.println();
                    System.out.println("  PlatySpark admin token (shown once): " + secret);
                    System.out.println("  use it as: curl -H 'Authorization: Bearer " + secret + "' ...");
                    System.out.println();
                }
            } catch (IllegalStateException e) {
                log.error("the bootstrap admin token is not active: {}", e.getMessage());
            }
        };
    }
}
