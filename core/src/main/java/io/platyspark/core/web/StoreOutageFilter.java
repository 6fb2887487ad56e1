package io.platyspark.core.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers {@code 503 store-unavailable} when the database fails in a filter, where the controller advice does
 * not reach: the token check in Spring Security's chain, the audit. Without it the failure escaped the chain and
 * the caller got a bare 500, which neither says what happened nor tells a client to come back.
 */
public class StoreOutageFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(StoreOutageFilter.class);
    /** Seconds a client should wait: about how long a database restart or fail-over takes. */
    static final String RETRY_AFTER = "10";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (DataAccessException e) {
            answer(request, response, e);
        } catch (ServletException | RuntimeException e) {
            DataAccessException store = storeFailure(e);
            if (store == null) {
                throw e;
            }
            answer(request, response, store);
        }
    }

    private static void answer(HttpServletRequest request, HttpServletResponse response, DataAccessException e)
            throws IOException {
        // The database's message can quote request data: its first line only.
        String message = String.valueOf(e.getMostSpecificCause().getMessage())
                .lines()
                .findFirst()
                .orElse("");
        log.error(
                "state store failed before the request reached its handler: {}: {}",
                e.getClass().getSimpleName(),
                message);
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER);
        ProblemResponses.write(
                request,
                response,
                503,
                "store-unavailable",
                "Store unavailable",
                "the platform's database could not be reached; nothing was changed, try again later");
    }

    private static DataAccessException storeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataAccessException store) {
                return store;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
