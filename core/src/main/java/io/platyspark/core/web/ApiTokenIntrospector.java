package io.platyspark.core.web;

import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.security.Caller;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DataAccessException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * Checks the platform's own API tokens for Spring Security's bearer-token support, in every API app (spark-server's
 * chain and {@link ApiSecurity}'s default one for app-builder). The principal's attributes {@value #TEAM} and
 * {@value #ADMIN} carry the caller. While the database cannot be reached, a token it verified a moment ago is
 * still accepted ({@link VerifiedTokenCache}); any other waits for the store: the {@link DataAccessException}
 * becomes 503 store-unavailable, never a 401 that would call the token bad.
 */
public class ApiTokenIntrospector implements OpaqueTokenIntrospector {

    public static final String TEAM = "team";
    public static final String ADMIN = "admin";

    private final ApiTokenService tokens;
    private final VerifiedTokenCache verified;

    public ApiTokenIntrospector(ApiTokenService tokens, VerifiedTokenCache verified) {
        this.tokens = tokens;
        this.verified = verified;
    }

    @Override
    public OAuth2AuthenticatedPrincipal introspect(String token) {
        Optional<Caller> found;
        try {
            found = tokens.authenticate(token);
        } catch (DataAccessException e) {
            return principal(verified.lastVerified(token).orElseThrow(() -> e));
        }
        if (found.isEmpty()) {
            verified.refused(token);
            throw new BadOpaqueTokenException("unknown, expired or revoked token");
        }
        verified.verified(token, found.get());
        return principal(found.get());
    }

    private static OAuth2AuthenticatedPrincipal principal(Caller caller) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("sub", caller.subject());
        attributes.put(ADMIN, caller.admin());
        if (caller.team() != null) {
            attributes.put(TEAM, caller.team());
        }
        List<GrantedAuthority> authorities = caller.admin()
                ? List.of(new SimpleGrantedAuthority("ROLE_ADMIN"), new SimpleGrantedAuthority("ROLE_USER"))
                : List.of(new SimpleGrantedAuthority("ROLE_USER"));
        return new DefaultOAuth2AuthenticatedPrincipal(caller.subject(), attributes, authorities);
    }

    /** The caller a principal made here stands for. */
    public static Caller caller(OAuth2AuthenticatedPrincipal principal) {
        return new Caller(
                principal.getName(), principal.getAttribute(TEAM), Boolean.TRUE.equals(principal.getAttribute(ADMIN)));
    }
}
