package io.platyspark.server.security;

import io.platyspark.core.security.Caller;
import io.platyspark.core.security.ForbiddenException;
import io.platyspark.core.security.SecurityProperties;
import io.platyspark.core.web.ApiTokenIntrospector;
import io.platyspark.core.web.CurrentCaller;
import java.util.Collection;
import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/** Turns Spring Security's authentication (an API token or a JWT) into the platform's {@link Caller}. */
@Component
public class Callers implements CurrentCaller {

    static final String TEAM = ApiTokenIntrospector.TEAM;
    static final String ADMIN = ApiTokenIntrospector.ADMIN;

    private final SecurityProperties properties;

    Callers(SecurityProperties properties) {
        this.properties = properties;
    }

    /** The caller of the current request, or null when it is not authenticated. */
    @Override
    public Caller current() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated()) {
            return null;
        }
        Object principal = auth.getPrincipal();
        if (principal instanceof Jwt jwt) {
            boolean admin = isAdmin(jwt);
            String team = jwt.getClaimAsString(properties.teamClaim());
            if (!admin && (team == null || team.isBlank())) {
                throw new ForbiddenException(
                        properties.teamClaim(),
                        "the token carries no '"
                                + properties.teamClaim()
                                + "' claim, so it acts for no team; have the identity provider "
                                + "add it (platy.security.team-claim names the claim)");
            }
            return new Caller(jwt.getSubject() != null ? jwt.getSubject() : "unnamed", team, admin);
        }
        if (principal instanceof OAuth2AuthenticatedPrincipal token) {
            return new Caller(
                    token.getName(), token.getAttribute(TEAM), Boolean.TRUE.equals(token.getAttribute(ADMIN)));
        }
        return null;
    }

    boolean isAdmin(Jwt jwt) {
        Object roles = jwt.getClaim(properties.rolesClaim());
        Collection<?> values = roles instanceof Collection<?> c
                ? c
                : roles instanceof String s ? List.of(s.split("[ ,]+")) : List.of();
        return values.contains(properties.adminRole());
    }
}
