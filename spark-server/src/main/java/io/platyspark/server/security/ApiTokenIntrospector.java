package io.platyspark.server.security;

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

/** Checks the platform's own API tokens for Spring Security's bearer-token support. */
class ApiTokenIntrospector implements OpaqueTokenIntrospector {

    private final ApiTokenService tokens;
    private final VerifiedTokenCache verified;

    ApiTokenIntrospector(ApiTokenService tokens, VerifiedTokenCache verified) {
        this.tokens = tokens;
        this.verified = verified;
    }

    @Override
    public OAuth2AuthenticatedPrincipal introspect(String token) {
        Optional<Caller> found;
        try {
            found = tokens.authenticate(token);
        } catch (DataAccessException e) {
            // The store is out: a token it verified a moment ago is still good; any other waits for the store
            // (the DataAccessException becomes 503 store-unavailable, never a 401 that says the token is bad).
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
        attributes.put(Callers.ADMIN, caller.admin());
        if (caller.team() != null) {
            attributes.put(Callers.TEAM, caller.team());
        }
        List<GrantedAuthority> authorities = caller.admin()
                ? List.of(new SimpleGrantedAuthority("ROLE_ADMIN"), new SimpleGrantedAuthority("ROLE_USER"))
                : List.of(new SimpleGrantedAuthority("ROLE_USER"));
        return new DefaultOAuth2AuthenticatedPrincipal(caller.subject(), attributes, authorities);
    }
}
