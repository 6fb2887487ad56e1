package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.core.web.InFlightLimitFilter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Per-token rate and in-flight limits and admission quotas over real HTTP: 429 problem+json with Retry-After.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.security.local-source-roots=/opt/apps",
            "platy.submission.enabled=false",
            "platy.rate-limit.requests-per-second=1",
            "platy.rate-limit.burst=20",
            "platy.rate-limit.max-in-flight=2",
            "platy.rate-limit.seats=2",
            "platy.rate-limit.max-waiting=1"
        })
class FairShareApiTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ClusterStore clusters;

    @Autowired
    FilterRegistrationBean<InFlightLimitFilter> inFlight;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    javax.sql.DataSource dataSource;

    private org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void sharedCluster() {
        jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(dataSource);
        clusters.getOrCreate(new NewCluster("shared", ClusterKind.SHARED, null, null, null, ClusterState.WAITING));
    }

    private String issueToken(String team) {
        ApiClient.Response issued = new ApiClient(port)
                .post("/api/v1/admin/tokens", Map.of("name", team + "-" + System.nanoTime(), "team", team), Map.of());
        assertThat(issued.status()).as(issued.raw()).isEqualTo(201);
        return issued.body().get("token").asString();
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A token flooding mutating calls over its rate gets 429s that write no audit row each (a flood of refusals
     * would otherwise be a flood of writes to the database the limit protects); the refusals are counted.
     */
    @Test
    void rateLimitedCallsAreCountedNotAudited() throws Exception {
        String flood = issueToken("team-c");
        double before = rateRefusals();
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            if (send(flood, "DELETE", "/api/v1/apps/" + java.util.UUID.randomUUID(), null)
                            .statusCode()
                    == 429) {
                refused++;
            }
        }

        assertThat(refused).as("over a burst of 20").isGreaterThanOrEqualTo(15);
        long audited = jdbc.sql("select count(*) from audit_log where team = 'team-c' and status = 429")
                .query(Long.class)
                .single();
        assertThat(audited).isZero();
        long servedAndAudited = jdbc.sql("select count(*) from audit_log where team = 'team-c'")
                .query(Long.class)
                .single();
        assertThat(servedAndAudited).as("the calls served are audited").isEqualTo(40 - refused);
        assertThat(rateRefusals() - before).isEqualTo(refused);
    }

    /** The limits' refusals so far (the rate limit registers its counter when it is made). */
    private double rateRefusals() {
        return meters.get("platy.api.refused").tag("reason", "rate").counter().count();
    }

    /** A 429 problem+json of {@code type}, with Retry-After 1 s, whose detail names {@code setting}. */
    private static void assertRefused(HttpResponse<String> refused, String type, String setting) {
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.headers().firstValue("Content-Type"))
                .get()
                .asString()
                .startsWith("application/problem+json");
        assertThat(refused.body()).contains(type).contains(setting);
    }

    @Test
    void aTokenOverItsRateGets429WithRetryAfterWhileAnotherTokenIsServed() throws Exception {
        String burst = issueToken("team-a");
        String other = issueToken("team-b");

        int ok = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 60 && refused == null; i++) {
            HttpResponse<String> response = send(burst, "GET", "/api/v1/apps", null);
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertThat(response.statusCode()).isEqualTo(200);
                ok++;
            }
        }

        assertThat(refused).as("refused once over the burst").isNotNull();
        assertThat(ok).isBetween(20, 30);
        assertRefused(refused, "urn:platyspark:problem:rate-limited", "platy.rate-limit");
        // Another team's token has a bucket of its own.
        assertThat(send(other, "GET", "/api/v1/apps", null).statusCode()).isEqualTo(200);
    }

    /**
     * Team A's token has two submits in flight (their bodies arrive slowly, so each holds its request open): a third
     * call of A is refused 429 at once, before its token is even checked, while team B's call is served; once A's
     * requests end, A is served again.
     */
    @Test
    void aTokenOverItsInFlightAllowanceGets429AtOnceWhileAnotherTeamIsServed() throws Exception {
        String tokenA = issueToken("team-a");
        String tokenB = issueToken("team-b");
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                slow.add(submitWithoutFinishingTheBody(tokenA));
            }
            InFlightLimitFilter filter = inFlight.getFilter();
            await().atMost(Duration.ofSeconds(10)).until(() -> filter.inFlight(tokenA) == 2);

            HttpResponse<String> refused = send(tokenA, "GET", "/api/v1/apps", null);
            HttpResponse<String> other = send(tokenB, "GET", "/api/v1/apps", null);

            assertRefused(refused, "urn:platyspark:problem:too-many-in-flight", "platy.rate-limit.max-in-flight");
            assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
            assertThat(filter.inFlight(tokenB)).isZero();
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.getFilter().inFlight(tokenA) == 0);
        assertThat(send(tokenA, "GET", "/api/v1/apps", null).statusCode()).isEqualTo(200);
    }

    /**
     * While team B calls too, team A's share of the server is half its two seats: a call of A over it waits for one
     * of A's own requests to end and is then served, not refused, while B keeps its own share. The server lets one
     * call wait at once (max-waiting), so B's call over its share meanwhile is refused at once rather than holding
     * a thread.
     */
    @Test
    void aCallOverItsTokensShareWaitsForItsTurnAndIsThenServed() throws Exception {
        String tokenA = issueToken("team-a");
        String tokenB = issueToken("team-b");
        assertThat(send(tokenA, "GET", "/api/v1/apps", null).statusCode()).isEqualTo(200);
        assertThat(send(tokenB, "GET", "/api/v1/apps", null).statusCode()).isEqualTo(200);
        InFlightLimitFilter filter = inFlight.getFilter();
        try (Socket slowB = submitWithoutFinishingTheBody(tokenB);
                Socket slowA = submitWithoutFinishingTheBody(tokenA)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> filter.inFlight(tokenA) == 1 && filter.inFlight(tokenB) == 1);

            CompletableFuture<HttpResponse<String>> overShare = http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/apps"))
                            .header("Authorization", "Bearer " + tokenA)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> filter.inFlight(tokenA) == 2);
            assertThat(meters.get("platy.api.waiting").gauge().value()).isEqualTo(1.0);
            assertThat(overShare).isNotDone();
            HttpResponse<String> noRoom = send(tokenB, "GET", "/api/v1/apps", null);
            assertRefused(noRoom, "urn:platyspark:problem:too-many-in-flight", "max-waiting");
            assertThat(overShare).isNotDone();

            slowA.close();

            HttpResponse<String> served = overShare.get(10, TimeUnit.SECONDS);
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            assertThat(filter.inFlight(tokenB)).isEqualTo(1);
        }
    }

    /** A submit whose headers are sent and whose body is not: the server holds it in flight, reading the body. */
    private Socket submitWithoutFinishingTheBody(String token) throws Exception {
        Socket socket = new Socket("localhost", port);
        String head = "POST /api/v1/apps HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"name\":";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    @Test
    void aSubmitOverTheTeamsActiveQuotaIs429WithRetryAfterAndStoresNothing() throws Exception {
        String token = issueToken("team-q");
        HttpResponse<String> set =
                send(ApiClient.ADMIN_TOKEN, "PUT", "/api/v1/admin/teams/team-q/quota", "{\"maxActiveApps\": 1}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("\"maxActiveApps\":1");
        HttpResponse<String> allocations =
                send(ApiClient.ADMIN_TOKEN, "GET", "/api/v1/admin/teams/yarn-allocations", null);
        assertThat(allocations.statusCode()).isEqualTo(200);
        assertThat(allocations.body()).contains("<queue name=\"team-q\">\n    <weight>1.0</weight>");
        assertThat(send(token, "GET", "/api/v1/admin/teams/yarn-allocations", null)
                        .statusCode())
                .isEqualTo(403);
        String app = "{\"name\":\"etl\",\"cluster\":\"shared\",\"source\":\"/opt/apps/etl.py\"}";

        HttpResponse<String> first = send(token, "POST", "/api/v1/apps", app);
        HttpResponse<String> second = send(token, "POST", "/api/v1/apps", app);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(second.body())
                .contains("urn:platyspark:problem:quota-exceeded")
                .contains("\"quota\":\"maxActiveApps\"")
                .contains("maxActiveApps is 1");
        HttpResponse<String> usage = send(token, "GET", "/api/v1/teams/team-q/usage", null);
        assertThat(usage.statusCode()).isEqualTo(200);
        assertThat(usage.body()).contains("\"activeApps\":1").contains("\"maxActiveApps\":1");
        // Another team's usage is not this team's to see.
        assertThat(send(token, "GET", "/api/v1/teams/team-x/usage", null).statusCode())
                .isEqualTo(403);
        // A bad quota value names its field.
        HttpResponse<String> bad = send(
                ApiClient.ADMIN_TOKEN, "PUT", "/api/v1/admin/teams/team-q/quota", "{\"maxRunning\": {\"GPU\": 3}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("maxRunning.GPU");
        HttpResponse<String> badTeam = send(ApiClient.ADMIN_TOKEN, "PUT", "/api/v1/admin/teams/Bad%20Team/quota", "{}");
        assertThat(badTeam.statusCode()).isEqualTo(400);
        assertThat(badTeam.body()).contains("\"field\":\"team\"");
    }
}
