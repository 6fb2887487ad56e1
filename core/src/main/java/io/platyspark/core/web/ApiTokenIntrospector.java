package io.platyspark.core.web;

import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.security.Caller;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * Checks the platform's own API tokens for Spring Security's bearer-token support in {@link ApiSecurity}'s
 * default chain (app-builder). The principal's attributes {@value #TEAM} and {@value #ADMIN} carry the caller.
 */
public class ApiTokenIntrospector implements OpaqueTokenIntrospector {

    public static final String TEAM = "team";
    public static final String ADMIN = "admin";

    private final ApiTokenService tokens;

    public ApiTokenIntrospector(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public OAuth2AuthenticatedPrincipal introspect(String token) {
        Caller caller = tokens.authenticate(token)
                .orElseThrow(() -> new BadOpaqueTokenException("unknown, expired or revoked token"));
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
        return new Caller(principal.getName(), principal.getAttribute(TEAM),
                Boolean.TRUE.equals(principal.getAttribute(ADMIN)));
    }
}
