package io.platyspark.core.web;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token bucket (Bucket4j) per authenticated caller, after Spring Security has said who the caller is: a request
 * over the caller's rate is answered {@code 429} problem+json with {@code Retry-After}, before it reaches a
 * controller or the database. Keyed by the authenticated name, not the raw header, so made-up tokens cannot grow
 * the table; unauthenticated requests were already answered (401) or are public probes.
 */
public class RateLimitFilter extends OncePerRequestFilter {

    private final RateLimitProperties properties;
    private final Map<String, Bucket> buckets;
    private final Counter refused;

    public RateLimitFilter(RateLimitProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.refused = ApiRefusals.counter(meters, "rate");
        int max = properties.maxTokens();
        this.buckets = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > max;
            }
        });
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        if (caller == null || !caller.isAuthenticated() || caller.getName() == null) {
            chain.doFilter(request, response);
            return;
        }
        Bucket bucket = buckets.computeIfAbsent(caller.getName(), name -> newBucket());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            chain.doFilter(request, response);
            return;
        }
        refused.increment();
        long millis = Duration.ofNanos(probe.getNanosToWaitForRefill()).toMillis();
        long seconds = Math.max(1, (millis + 999) / 1000);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        ProblemResponses.write(
                request,
                response,
                429,
                "rate-limited",
                "Too many requests",
                "this token sent more than " + properties.requestsPerSecond() + " requests per second (bursts of "
                        + properties.burst() + "); wait " + seconds + " s (Retry-After) and send fewer requests at "
                        + "once, or ask an admin to raise platy.rate-limit");
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(properties.burst())
                        .refillGreedy(properties.requestsPerSecond(), Duration.ofSeconds(1)))
                .build();
    }
}
