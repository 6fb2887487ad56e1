package io.platyspark.core.env.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bad requests every server of {@code /api/v1/envs} (spark-server and the app-builder) must answer alike, each
 * with the status, problem type and field expected. Both apps' tests run {@link #check} against their own server,
 * so the two cannot drift apart again.
 */
public final class EnvApiConformance {

    /** One bad request and the answer it must get; {@code field} null when the problem names none. */
    public record Case(String method, String path, String body, int status, String type, String field) {}

    public static final List<Case> CASES = List.of(
            new Case(
                    "POST",
                    "/api/v1/envs",
                    "{\"requirements\":[\"-r /etc/passwd\"]}",
                    400,
                    "invalid-request",
                    "requirements[0]"),
            new Case(
                    "POST",
                    "/api/v1/envs",
                    "{\"requirement\":[\"six==1.16.0\"]}",
                    400,
                    "invalid-request",
                    "requirement"),
            new Case("POST", "/api/v1/envs", "{\"requirements\":[]}", 400, "invalid-request", "requirements"),
            new Case("POST", "/api/v1/envs", "{\"requirements\":\"six\"}", 400, "invalid-request", "requirements"),
            new Case(
                    "POST",
                    "/api/v1/envs",
                    "{\"requirements\":[\"six\"],\"platform\":\"sparc\"}",
                    400,
                    "invalid-request",
                    "platform"),
            new Case(
                    "POST",
                    "/api/v1/envs",
                    "{\"requirements\":[\"six\"],\"pythonVersion\":\"2\"}",
                    400,
                    "invalid-request",
                    "pythonVersion"),
            new Case(
                    "POST",
                    "/api/v1/envs",
                    "{\"requirements\":[\"six\"],\"pythonPrefix\":\"/usr/../etc\"}",
                    400,
                    "invalid-request",
                    "pythonPrefix"),
            new Case("POST", "/api/v1/envs", "not json", 400, "malformed-body", null),
            new Case(
                    "POST",
                    "/api/v1/envs/bootstrap-script",
                    "{\"requirements\":[\"six\",\"pkg @ file:///x\"]}",
                    400,
                    "invalid-request",
                    "requirements[1]"),
            new Case("GET", "/api/v1/envs/" + UUID.randomUUID(), null, 404, "env-build-not-found", null),
            new Case("GET", "/api/v1/envs/not-a-uuid", null, 400, "invalid-request", "id"));

    private static final JsonMapper JSON = new JsonMapper();

    private EnvApiConformance() {}

    /** Sends every case to the server on {@code port} with {@code token} and checks each answer. */
    public static void check(int port, String token) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        SoftAssertions softly = new SoftAssertions();
        for (Case c : CASES) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + c.path()))
                    .header("Authorization", "Bearer " + token);
            if (c.body() != null) {
                request.header("Content-Type", "application/json")
                        .method(c.method(), HttpRequest.BodyPublishers.ofString(c.body()));
            } else {
                request.method(c.method(), HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String what = c.method() + " " + c.path() + " " + c.body() + " -> " + response.body();
            softly.assertThat(response.statusCode()).as(what).isEqualTo(c.status());
            softly.assertThat(response.headers().firstValue("Content-Type").orElse(""))
                    .as(what)
                    .startsWith("application/problem+json");
            JsonNode problem = JSON.readTree(response.body());
            softly.assertThat(problem.path("type").asString(""))
                    .as(what)
                    .isEqualTo("urn:platyspark:problem:" + c.type());
            softly.assertThat(problem.path("status").asInt()).as(what).isEqualTo(c.status());
            softly.assertThat(problem.path("detail").asString("")).as(what).isNotBlank();
            if (c.field() != null) {
                softly.assertThat(problem.path("field").asString(null)).as(what).isEqualTo(c.field());
                softly.assertThat(problem.path("errors").path(0).path("field").asString(null))
                        .as(what)
                        .isEqualTo(c.field());
            }
        }
        softly.assertAll();
        assertThat(CASES).isNotEmpty();
    }
}
