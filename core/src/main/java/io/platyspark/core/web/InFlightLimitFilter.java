package io.platyspark.core.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A bulkhead per bearer token: at most {@code maxInFlight} of a token's requests are served at once by this server;
 * one more is answered {@code 429} problem+json with {@code Retry-After} at once. A rate limit alone lets a burst of
 * hundreds of simultaneous requests in (they all fit the bucket's first second), and each then holds a servlet thread
 * and waits for a database connection that other teams' calls need.
 *
 * <p>It runs before Spring Security because checking a token costs a database read: a refused request must cost
 * neither a connection nor more than a moment of a thread. So it is keyed by the token as sent, not by the
 * authenticated caller; a made-up token still cannot grow the table, since a token's entry lives only while it has
 * requests in flight. Requests without a bearer token (probes, the 401s) pass untouched.
 */
public class InFlightLimitFilter extends OncePerRequestFilter {

    private static final String BEARER = "bearer ";

    private final int maxInFlight;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final Counter refused;

    public InFlightLimitFilter(int maxInFlight, MeterRegistry meters) {
        this.maxInFlight = maxInFlight;
        this.refused = ApiRefusals.counter(meters, "in-flight");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = bearer(request);
        if (token == null) {
            chain.doFilter(request, response);
            return;
        }
        if (!enter(token)) {
            refused.increment();
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            ProblemResponses.write(
                    request,
                    response,
                    429,
                    "too-many-in-flight",
                    "Too many requests in flight",
                    "this token already has " + maxInFlight + " requests in flight on this server, the most it "
                            + "serves at once for one token (platy.rate-limit.max-in-flight); wait for some to "
                            + "finish, send fewer at once and retry after Retry-After");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            leave(token);
        }
    }

    /** The token's requests now being served here (0 when none; for tests and diagnosis). */
    public int inFlight(String token) {
        return inFlight.getOrDefault(token, 0);
    }

    // compute() is atomic per key, and a count back at zero removes the entry, so the table holds only tokens
    // with requests in flight.
    private boolean enter(String token) {
        boolean[] entered = {false};
        inFlight.compute(token, (key, n) -> {
            int current = n == null ? 0 : n;
            if (current >= maxInFlight) {
                return n;
            }
            entered[0] = true;
            return current + 1;
        });
        return entered[0];
    }

    private void leave(String token) {
        inFlight.computeIfPresent(token, (key, n) -> n <= 1 ? null : n - 1);
    }

    private static String bearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null
                || header.length() <= BEARER.length()
                || !header.substring(0, BEARER.length())
                        .toLowerCase(Locale.ROOT)
                        .equals(BEARER)) {
            return null;
        }
        String token = header.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }
}
