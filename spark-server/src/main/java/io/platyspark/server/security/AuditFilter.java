package io.platyspark.server.security;

import io.platyspark.core.security.AuditLog;
import io.platyspark.core.security.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records every mutating call — who, for which team, what, when, with which request id, and its status — after
 * it is handled. It runs inside Spring Security's chain, so it knows the caller; calls refused by Spring
 * Security itself are recorded by its entry point and denied handler.
 */
class AuditFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final AuditLog audit;
    private final Callers callers;

    AuditFilter(AuditLog audit, Callers callers) {
        this.audit = audit;
        this.callers = callers;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !MUTATING.contains(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        int status = 500;
        try {
            chain.doFilter(request, response);
            status = response.getStatus();
        } finally {
            // A submit writes its row in the app's own transaction (AppController).
            if (request.getAttribute(AuditLog.RECORDED) == null) {
                Caller caller;
                try {
                    caller = callers.current();
                } catch (RuntimeException e) {
                    caller = null; // refused as it was resolved (no team claim): audited as unknown
                }
                record(audit, caller, request, status);
            }
        }
    }

    static void recordRefusal(AuditLog audit, HttpServletRequest request, int status) {
        if (MUTATING.contains(request.getMethod())) {
            record(audit, null, request, status);
        }
    }

    private static void record(AuditLog audit, Caller caller, HttpServletRequest request, int status) {
        try {
            audit.record(caller, request.getMethod(), request.getRequestURI(), status, MDC.get("requestId"));
        } catch (RuntimeException e) {
            // The call itself is done; losing its audit row must be loud but must not change its answer.
            log.error("could not record the audit entry for {} {}", request.getMethod(), request.getRequestURI(), e);
        }
    }
}
