package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Admins cannot lock everyone out, across restarts: two starts of spark-server on one database, as a compose
 * restart or a second replica does.
 */
class BootstrapAdminRestartTest {

    private static final Pattern PRINTED = Pattern.compile("admin token \\(shown once\\): (platy_\\S+)");

    private final TestDatabase.Database db = TestDatabase.newDatabase();

    @Test
    void aRevokedConfiguredBootstrapTokenIsActiveAgainAfterARestart() {
        String secret = "platy_restart-bootstrap-0123456789";
        try (ConfigurableApplicationContext first = start("platy.security.bootstrap-admin-token=" + secret)) {
            ApiClient admin = new ApiClient(port(first), secret);
            String ownId = idOf(admin, secret);
            ApiClient.Response refused = admin.delete("/api/v1/admin/tokens/" + ownId);
            assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body().get("type").asString()).isEqualTo("urn:platyspark:problem:last-admin-token");
            assertThat(refused.body().get("detail").asString()).contains("last usable admin token");
            assertThat(refused.body().get("requestId").asString()).isNotBlank();

            String other = admin.post("/api/v1/admin/tokens", Map.of("name", "ops", "admin", true), Map.of())
                    .body()
                    .get("token")
                    .asString();
            assertThat(admin.delete("/api/v1/admin/tokens/" + ownId).status()).isEqualTo(204);
            assertThat(admin.get("/api/v1/apps").status()).isEqualTo(401);
            assertThat(admin.as(other).get("/api/v1/apps").status()).isEqualTo(200);
        }
        // Used to fail at start with TokenNameTakenException.
        try (ConfigurableApplicationContext second = start("platy.security.bootstrap-admin-token=" + secret)) {
            assertThat(new ApiClient(port(second), secret).get("/api/v1/apps").status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aGeneratedTokenOutlivesTheNextStart() {
        String firstSecret;
        try (ConfigurableApplicationContext first =
                startCapturing("platy.security.generate-admin-token=true").context()) {
            firstSecret = lastPrinted;
            assertThat(new ApiClient(port(first), firstSecret)
                            .get("/api/v1/apps")
                            .status())
                    .isEqualTo(200);
        }
        try (ConfigurableApplicationContext second =
                startCapturing("platy.security.generate-admin-token=true").context()) {
            String secondSecret = lastPrinted;
            assertThat(secondSecret).isNotEqualTo(firstSecret);
            assertThat(new ApiClient(port(second), firstSecret)
                            .get("/api/v1/apps")
                            .status())
                    .as("the first start's token still works")
                    .isEqualTo(200);
            assertThat(new ApiClient(port(second), secondSecret)
                            .get("/api/v1/apps")
                            .status())
                    .isEqualTo(200);
        }
    }

    private String lastPrinted;

    private record Started(ConfigurableApplicationContext context) {}

    private Started startCapturing(String property) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        ConfigurableApplicationContext context;
        try {
            context = start(property);
        } finally {
            System.setOut(original);
        }
        Matcher m = PRINTED.matcher(captured.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).as("the generated token is printed").isTrue();
        lastPrinted = m.group(1);
        return new Started(context);
    }

    private ConfigurableApplicationContext start(String property) {
        return new SpringApplicationBuilder(SparkServerApplication.class)
                .properties(
                        "server.port=0",
                        "platy.submission.enabled=false",
                        "platy.embedded-postgres.enabled=false",
                        "spring.datasource.url=" + db.url(),
                        "spring.datasource.username=" + db.user(),
                        "spring.datasource.password=" + db.password(),
                        property)
                .run();
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static String idOf(ApiClient admin, String secret) {
        for (JsonNode token : admin.get("/api/v1/admin/tokens").body()) {
            if (token.get("name").asString().startsWith("bootstrap-admin")) {
                return token.get("id").asString();
            }
        }
        throw new AssertionError("no bootstrap token listed");
    }
}
