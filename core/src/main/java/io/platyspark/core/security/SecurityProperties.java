package io.platyspark.core.security;

import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the API and what it may point the platform at.
 *
 * @param mode                 {@code tokens}: the platform's own API tokens; {@code oidc}: JWTs from an identity
 *                             provider (Spring's resource server settings, {@code spring.security.oauth2.*})
 * @param bootstrapAdminToken  an admin token to accept from the start (set it from a secret store)
 * @param generateAdminToken   when no bootstrap token is set, generate one and print it once (embedded default)
 * @param defaultTokenTtl      lifetime of a new token when the request names none
 * @param maxTokenTtl          the longest lifetime a token may be given
 * @param localSourceRoots     local source paths must resolve inside one of these
 * @param allowedBuckets       S3 buckets sources and artifacts may come from
 * @param allowedLivyHosts     hosts ({@code name}, {@code *.suffix}) or CIDR blocks a Livy URL may point at
 * @param maxRequestSize       larger request bodies are refused with 413
 * @param teamClaim            (oidc) the JWT claim naming the caller's team
 * @param rolesClaim           (oidc) the JWT claim listing roles
 * @param adminRole            (oidc) the role that makes a caller an admin
 * @param yarnQueuePrefix      apps on shared clusters run in the YARN queue {@code prefix + team}
 */
@Validated
@ConfigurationProperties("platy.security")
public record SecurityProperties(
        @DefaultValue("tokens") @Pattern(regexp = "tokens|oidc", message = "must be tokens or oidc")
        String mode,

        String bootstrapAdminToken,
        @DefaultValue("false") boolean generateAdminToken,
        @DefaultValue("90d") @DurationMin(millis = 1) Duration defaultTokenTtl,
        @DefaultValue("365d") @DurationMin(millis = 1) Duration maxTokenTtl,
        @DefaultValue({}) List<Path> localSourceRoots,
        @DefaultValue({}) List<String> allowedBuckets,
        @DefaultValue({}) List<String> allowedLivyHosts,
        @DefaultValue("1MB") DataSize maxRequestSize,
        @DefaultValue("team") String teamClaim,
        @DefaultValue("roles") String rolesClaim,
        @DefaultValue("platy-admin") String adminRole,
        @DefaultValue("") String yarnQueuePrefix) {

    public boolean oidc() {
        return "oidc".equalsIgnoreCase(mode);
    }
}
