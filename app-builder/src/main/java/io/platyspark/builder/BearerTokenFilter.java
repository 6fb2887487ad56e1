package io.platyspark.builder;

import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.security.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every API call needs one of the platform's API tokens (spark-server's service token, or a user's); health and
 * metrics stay open for probes and scrapers. The caller is passed on as a request attribute.
 */
@Component
class BearerTokenFilter extends OncePerRequestFilter {

    static final String CALLER = "platy.caller";

    private final ApiTokenService tokens;

    BearerTokenFilter(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        Optional<Caller> caller = header != null && header.startsWith("Bearer ")
                ? tokens.authenticate(header.substring("Bearer ".length()).trim()) : Optional.empty();
        if (caller.isEmpty()) {
            response.setStatus(401);
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"urn:platyspark:problem:unauthenticated\",\"title\":"
                    + "\"Unauthenticated\",\"status\":401,\"detail\":\"send a valid API token as 'Authorization: "
                    + "Bearer <token>'\"}");
            return;
        }
        request.setAttribute(CALLER, caller.get());
        chain.doFilter(request, response);
    }
}
