package io.platyspark.core.env;

import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.TargetPlatform;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@link Environments} asked of the app-builder service over its REST API. */
public class HttpEnvironments implements Environments {

    private static final String DEFAULT = "default";

    private final URI base;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = new JsonMapper();

    public HttpEnvironments(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    @Override
    public EnvSpec spec(List<String> requirements, String pythonVersion, TargetPlatform platform) {
        // The builder fills in its default Python; the answer carries the version it used.
        return new EnvSpec(
                requirements,
                pythonVersion != null ? pythonVersion : DEFAULT,
                platform != null ? platform : TargetPlatform.current(),
                null);
    }

    @Override
    public EnvBuild request(EnvSpec spec, String team) {
        EnvApi.EnvRequest body = new EnvApi.EnvRequest(
                spec.requirements(),
                DEFAULT.equals(spec.pythonVersion()) ? null : spec.pythonVersion(),
                spec.platform().name().toLowerCase(),
                spec.pythonPrefix());
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/v1/envs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
        if (response.statusCode() >= 300) {
            Optional<JsonNode> problem = problem(response);
            if (response.statusCode() == 400 && problem.isPresent()) {
                throw new EnvBuildException(
                        problem.get().path("detail").asString("the app-builder refused the request"), "");
            }
            // A proxy's 502 page or a builder starting up: an outage, whatever the body.
            throw unavailable(
                    "answered " + response.statusCode()
                            + problem.map(p -> ": " + p.path("detail").asString(""))
                                    .orElse(""),
                    null);
        }
        return build(readTree(response), team);
    }

    @Override
    public Optional<EnvBuild> get(UUID id) {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(base.resolve("/api/v1/envs/" + id)).GET());
        if (response.statusCode() == 404 && problem(response).isPresent()) {
            return Optional.empty(); // the builder's own "no such build", not a proxy's 404 page
        }
        if (response.statusCode() >= 300) {
            throw unavailable("answered " + response.statusCode(), null);
        }
        return Optional.of(build(readTree(response), null));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unavailable(e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", e);
        }
    }

    private BackendUnavailableException unavailable(String why, Throwable cause) {
        return new BackendUnavailableException("app-builder", "the app-builder at " + base + " " + why, cause);
    }

    /** The body as problem+json, when it is one. */
    private Optional<JsonNode> problem(HttpResponse<String> response) {
        boolean problemJson =
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
        if (!problemJson) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(response.body()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private JsonNode readTree(HttpResponse<String> response) {
        try {
            return json.readTree(response.body());
        } catch (RuntimeException e) {
            throw unavailable("answered with a body that is not JSON", e);
        }
    }

    private EnvBuild build(JsonNode answer, String team) {
        try {
            return json.treeToValue(answer, EnvApi.EnvResponse.class).toBuild(team);
        } catch (RuntimeException e) {
            // Jackson's errors, and the spec's own checks of what it read.
            throw unavailable("answered with a build this server cannot read: " + e.getMessage(), e);
        }
    }
}
