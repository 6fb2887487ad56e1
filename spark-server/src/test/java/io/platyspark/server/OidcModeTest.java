package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.platyspark.core.testing.TestDatabase;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The identity-provider mode: JWTs signed by the company's IdP (here a key made for the test, standing in for the
 * IdP's JWKS), team and roles from their claims; the platform's own tokens are not accepted.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.mode=oidc",
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.security.local-source-roots=/opt/apps",
            "platy.submission.enabled=false"
        })
class OidcModeTest {

    static final KeyPair IDP = rsa();
    static final KeyPair STRANGER = rsa();

    @TestConfiguration
    static class IdentityProvider {
        @Bean
        JwtDecoder jwtDecoder() {
            return NimbusJwtDecoder.withPublicKey((RSAPublicKey) IDP.getPublic())
                    .build();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void jwtsFromTheIdentityProviderCarryTeamAndRole() {
        ApiClient alice = new ApiClient(port, jwt(IDP, "alice", "team-a", List.of("engineer")));
        ApiClient bob = new ApiClient(port, jwt(IDP, "bob", "team-b", List.of()));
        ApiClient root = new ApiClient(port, jwt(IDP, "root", null, List.of("platy-admin")));

        ApiClient.Response submitted = alice.post(
                "/api/v1/apps", Map.of("name", "etl", "cluster", "local", "source", "/opt/apps/etl.py"), Map.of());
        assertThat(submitted.status()).as(submitted.raw()).isEqualTo(202);
        assertThat(submitted.body().get("team").asString())
                .as("team from the claim")
                .isEqualTo("team-a");
        String id = submitted.body().get("id").asString();

        assertThat(bob.get("/api/v1/apps/" + id).status()).isEqualTo(404);
        assertThat(alice.get("/api/v1/admin/tokens").status()).isEqualTo(403);
        assertThat(root.get("/api/v1/admin/tokens").status()).isEqualTo(200);
        assertThat(root.get("/api/v1/apps/" + id).status()).as("admins see all").isEqualTo(200);
    }

    @Test
    void foreignSignaturesExpiredJwtsAndPlatformTokensAreRefused() {
        assertThat(new ApiClient(port, jwt(STRANGER, "mallory", "team-a", List.of("platy-admin")))
                        .get("/api/v1/apps")
                        .status())
                .isEqualTo(401);
        assertThat(new ApiClient(port, expiredJwt()).get("/api/v1/apps").status())
                .isEqualTo(401);
        assertThat(new ApiClient(port, ApiClient.ADMIN_TOKEN)
                        .get("/api/v1/apps")
                        .status())
                .isEqualTo(401);
        ApiClient.Response noTeam = new ApiClient(port, jwt(IDP, "bob", null, List.of())).get("/api/v1/apps");
        assertThat(noTeam.status()).as(noTeam.raw()).isEqualTo(403);
        assertThat(noTeam.body().get("field").asString()).isEqualTo("team");
    }

    private static String jwt(KeyPair key, String subject, String team, List<String> roles) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer("https://idp.example")
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .claim("roles", roles);
        if (team != null) {
            claims.claim("team", team);
        }
        return sign(key, claims.build());
    }

    private static String expiredJwt() {
        return sign(
                IDP,
                new JWTClaimsSet.Builder()
                        .subject("alice")
                        .claim("team", "team-a")
                        .issueTime(Date.from(Instant.now().minusSeconds(7200)))
                        .expirationTime(Date.from(Instant.now().minusSeconds(3600)))
                        .build());
    }

    private static String sign(KeyPair key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner(key.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
