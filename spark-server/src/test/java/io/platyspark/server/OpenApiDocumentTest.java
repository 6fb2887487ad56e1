package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The API reference is the server's own OpenAPI document; this writes it to docs/openapi.json on every build. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN, "platy.submission.enabled=false"
        })
class OpenApiDocumentTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void theOpenApiDocumentDescribesEveryEndpointAndIsWrittenToDocs() throws Exception {
        JsonNode document = new ApiClient(port).as(null).get("/v3/api-docs").body();

        assertThat(document.get("paths").propertyNames())
                .contains(
                        "/api/v1/apps",
                        "/api/v1/apps/{id}",
                        "/api/v1/apps/{id}/logs",
                        "/api/v1/apps/{id}/events",
                        "/api/v1/clusters",
                        "/api/v1/clusters/{name}",
                        "/api/v1/artifacts",
                        "/api/v1/admin/tokens",
                        "/api/v1/admin/audit",
                        "/list_apps",
                        "/api/v1/envs",
                        "/api/v1/envs/{id}");
        assertThat(document.get("info").get("title").asString()).isEqualTo("PlatySpark API");
        assertThat(document.get("info").get("description").asString()).contains("problem+json");
        assertThat(document.get("components")
                        .get("securitySchemes")
                        .get("bearer")
                        .get("scheme")
                        .asString())
                .as("Swagger UI's Authorize button")
                .isEqualTo("bearer");
        assertThat(document.get("security").toString()).contains("bearer");
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    String name = op.getKey().toUpperCase() + " " + path.getKey();
                    JsonNode operation = op.getValue();
                    assertThat(operation.path("parameters").toString()).as(name).doesNotContain("\"caller\"");
                    JsonNode responses = operation.get("responses");
                    assertThat(responses.get("401").get("content").has("application/problem+json"))
                            .as(name)
                            .isTrue();
                    assertThat(responses.has("default")).as(name).isTrue();
                    assertThat(responses.toString()).as(name).doesNotContain("*/*");
                }));
        JsonNode submit = document.get("paths").get("/api/v1/apps").get("post").get("responses");
        assertThat(submit.has("202")).isTrue();
        assertThat(submit.has("422")).isTrue();
        assertThat(document.get("paths")
                        .get("/api/v1/admin/tokens/{id}")
                        .get("delete")
                        .get("responses")
                        .has("204"))
                .isTrue();
        JsonNode app =
                document.get("components").get("schemas").get("AppResponse").get("properties");
        assertThat(app.get("finishedAt").get("type").toString())
                .as("null until the app ends")
                .contains("null");
        assertThat(app.get("links").toString()).contains("null");

        Path repo = Path.of(System.getProperty("platy.repo.root", ".."))
                .toAbsolutePath()
                .normalize();
        JsonMapper pretty =
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        ((tools.jackson.databind.node.ObjectNode) document).putArray("servers");
        Files.writeString(repo.resolve("docs/openapi.json"), pretty.writeValueAsString(document) + "\n");
    }
}
