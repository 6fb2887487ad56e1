package io.platyspark.server;

import io.platyspark.core.env.web.EnvApiConformance;
import io.platyspark.core.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * spark-server's {@code /api/v1/envs} answers bad requests as the app-builder does (its AppBuilderSecurityTest runs
 * the same cases): the same status, problem type and field for the same input.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN)
class EnvApiConformanceTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void badEnvRequestsGetTheProblemsTheAppBuilderGives() throws Exception {
        EnvApiConformance.check(port, ApiClient.ADMIN_TOKEN);
    }
}
