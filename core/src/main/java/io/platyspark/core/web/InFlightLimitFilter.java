package io.platyspark.core.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A bulkhead per bearer token, shared fairly between the tokens calling this server ({@link InFlightShares}): a token
 * alone may have {@code maxInFlight} requests served at once; while other tokens call too, each has its share of
 * {@code seats}, and a request over its token's share waits for that token's turn instead of taking cores and
 * database connections from the others. One more than {@code maxInFlight} served and waiting, or a request that
 * waited {@code maxWait}, is answered {@code 429} problem+json with {@code Retry-After} at once. A rate limit alone
 * lets a burst of hundreds of simultaneous requests in (they all fit the bucket's first second).
 *
 * <p>It runs before Spring Security because checking a token costs a database read: a refused request must cost
 * neither a connection nor more than a moment of a thread. So it is keyed by the token as sent, not by the
 * authenticated caller; a made-up token cannot grow the table or shrink other tokens' shares, since a token that
 * was answered 401 is forgotten as soon as it has no request here. Requests without a bearer token (probes, the
 * 401s) pass untouched.
 */
public class InFlightLimitFilter extends OncePerRequestFilter {

    private static final String BEARER = "bearer ";

    private final int maxInFlight;
    private final Duration maxWait;
    private final InFlightShares shares;
    private final Counter refused;

    public InFlightLimitFilter(int seats, int maxInFlight, int maxWaiting, Duration maxWait, MeterRegistry meters) {
        this.maxInFlight = maxInFlight;
        this.maxWait = maxWait;
        this.shares = new InFlightShares(seats, maxInFlight, maxWaiting, maxWait, System::nanoTime);
        this.refused = ApiRefusals.counter(meters, "in-flight");
        Gauge.builder("platy.api.waiting", shares, InFlightShares::waiting)
                .description("API requests waiting for their token's share of this server (platy.rate-limit.seats)")
                .register(meters);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = bearer(request);
        if (token == null) {
            chain.doFilter(request, response);
            return;
        }
        InFlightShares.Outcome outcome = shares.enter(token);
        if (outcome != InFlightShares.Outcome.SERVE) {
            refused.increment();
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            ProblemResponses.write(
                    request, response, 429, "too-many-in-flight", "Too many requests in flight", detail(outcome));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            shares.leave(token, response.getStatus() != HttpServletResponse.SC_UNAUTHORIZED);
        }
    }

    private String detail(InFlightShares.Outcome outcome) {
        return switch (outcome) {
            case FULL ->
                "this token already has " + maxInFlight + " requests served or waiting on this server, the "
                        + "most it takes at once for one token (platy.rate-limit.max-in-flight); wait for some to finish, "
                        + "send fewer at once and retry after Retry-After";
            case WAITED_TOO_LONG ->
                "this request waited " + maxWait.toMillis() + " ms for this token's share of the "
                        + "server, which other teams are also calling (platy.rate-limit.seats, max-wait); send fewer "
                        + "requests at once and retry after Retry-After";
            case NO_ROOM_TO_WAIT ->
                "this token is over its share of the server, which other teams are also "
                        + "calling, and this server already has as many requests waiting for their turn as it lets wait, "
                        + "this token's part of them included (platy.rate-limit.seats, max-waiting); send fewer "
                        + "requests at once and retry after Retry-After";
            case SERVE -> throw new IllegalArgumentException("a served request is not refused");
        };
    }

    /** The token's requests now served or waiting here (0 when none; for tests and diagnosis). */
    public int inFlight(String token) {
        return shares.inFlight(token);
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
