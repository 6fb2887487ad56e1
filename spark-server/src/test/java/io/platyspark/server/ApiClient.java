package io.platyspark.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls the API over real HTTP the way a user's script does. */
final class ApiClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = new JsonMapper();
    /** The admin token the tests' server accepts (see application-test properties in each test). */
    static final String ADMIN_TOKEN = "platy_test-admin-token-0123456789";

    private final String base;
    private final String token;

    ApiClient(int port) {
        this(port, ADMIN_TOKEN);
    }

    ApiClient(int port, String token) {
        this.base = "http://localhost:" + port;
        this.token = token;
    }

    /** The same server as another caller. */
    ApiClient as(String otherToken) {
        return new ApiClient(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherToken);
    }

    Response get(String path) {
        return send(request(path).GET().build());
    }

    Response delete(String path) {
        return send(request(path).DELETE().build());
    }

    Response post(String path, Object body, Map<String, String> headers) {
        String text = body instanceof String s ? s : json.writeValueAsString(body);
        HttpRequest.Builder request = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text));
        headers.forEach(request::header);
        return send(request.build());
    }

    Response upload(String path, byte[] bytes) {
        return send(request(path)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            boolean isJson =
                    response.headers().firstValue("Content-Type").orElse("").contains("json");
            JsonNode node = body == null || body.isBlank() || !isJson ? null : json.readTree(body);
            return new Response(
                    response.statusCode(),
                    node,
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("X-Request-Id").orElse(null),
                    body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Response(int status, JsonNode body, String contentType, String requestId, String raw) {}
}
