package io.platyspark.core.web;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-token request rate and in-flight limits on the HTTP API, so one caller's burst is answered with cheap 429s instead of
 * taking the server's threads and database from everyone else.
 *
 * @param enabled           limit requests per token
 * @param requestsPerSecond the sustained rate each token may keep up
 * @param burst             requests a token may send at once above the sustained rate (the bucket's size)
 * @param maxTokens         tokens tracked at once; the least recently seen are forgotten beyond it (and start
 *                          again with a full bucket)
 * @param maxInFlight       requests of one token this server takes at once, served or waiting their turn; one more
 *                          is refused 429 at once, before its token is checked (a bulkhead: a burst cannot hold the
 *                          threads and database connections other teams' calls need). A token calling alone has
 *                          all of them served at once. Twice the 16 connections of a busy client: the server
 *                          answers before it counts a request as done, so a client on 16 connections may briefly
 *                          have a 17th in flight
 * @param seats             requests this server serves at once for the tokens calling it, shared equally while more
 *                          than one calls (each gets at least 1); a request over its token's share waits for that
 *                          token's turn, so one team's burst does not take the cores other teams' calls need. 0
 *                          means two per processor; raise it when most of a request's time is spent waiting on a
 *                          remote database
 * @param maxWait           how long a request over its token's share waits for its turn before it is refused 429
 * @param maxWaiting        requests over their token's share that wait for their turn at once, all tokens together
 *                          (each of n tokens with requests waiting may have up to max-waiting / (n + 1) of them, a part
 *                          kept for a token with none waiting yet); one more is refused 429
 *                          at once. A waiting request holds a server thread, so keep it well below
 *                          server.tomcat.threads.max (200): threads stay free for requests within their share and for
 *                          the probes. 0 refuses every request over its token's share at once. Raise it with
 *                          max-in-flight: a token waiting alone may have only half of it waiting
 */
@Validated
@ConfigurationProperties("platy.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2000") @Min(1) int requestsPerSecond,
        @DefaultValue("100") @Min(1) int burst,
        @DefaultValue("10000") @Min(1) int maxTokens,
        @DefaultValue("32") @Min(1) int maxInFlight,
        @DefaultValue("0") @Min(0) int seats,
        @DefaultValue("100") @Min(0) int maxWaiting,
        @DefaultValue("5s") @DurationMin(millis = 1) Duration maxWait) {

    /** {@link #seats}, or two per processor when it is 0. */
    public int seatsOrDefault() {
        return seats > 0 ? seats : 2 * Runtime.getRuntime().availableProcessors();
    }
}
