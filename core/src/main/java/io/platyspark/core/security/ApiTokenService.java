package io.platyspark.core.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issues, checks and revokes API tokens. A token is 256 random bits; only its SHA-256 is stored (a slow hash adds
 * nothing for a secret this long), so a leaked database grants nothing.
 */
public class ApiTokenService {

    static final String PREFIX = "platy_";
    public static final String BOOTSTRAP_NAME = "bootstrap-admin";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiTokenService(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Creates a token for a team (or an admin token) that expires after {@code ttl}.
     *
     * @throws TokenNameTakenException when an unrevoked token already has this name
     */
    public IssuedToken issue(String name, String team, boolean admin, Duration ttl, String createdBy) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = now();
        ApiToken token = new ApiToken(UUID.randomUUID(), name, team, admin, now, createdBy,
                ttl == null ? null : now.plus(ttl), null);
        insert(token, secret);
        return new IssuedToken(token, secret);
    }

    /** The caller a presented token stands for, if it is known, unrevoked and unexpired. */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isBlank()) {
            return Optional.empty();
        }
        Instant now = now();
        return jdbc.sql("select * from api_tokens where token_hash = :hash")
                .param("hash", hash(presented))
                .query(ApiTokenService::map)
                .optional()
                .filter(t -> t.isUsableAt(now))
                .map(ApiToken::toCaller);
    }

    public List<ApiToken> list() {
        return jdbc.sql("select * from api_tokens order by created_at desc").query(ApiTokenService::map).list();
    }

    /** Revokes a token; returns false when there is no unrevoked token with this id. */
    public boolean revoke(UUID id) {
        return jdbc.sql("update api_tokens set revoked_at = :now where id = :id and revoked_at is null")
                .param("id", id)
                .param("now", Timestamp.from(now()))
                .update() == 1;
    }

    /**
     * Makes {@code secret} the bootstrap admin token (no expiry): the operator's way in on a fresh install. A
     * different earlier bootstrap token is revoked.
     */
    public void ensureBootstrapAdmin(String secret) {
        Optional<ApiToken> current = jdbc.sql("select * from api_tokens where name = :name and revoked_at is null")
                .param("name", BOOTSTRAP_NAME)
                .query(ApiTokenService::map)
                .optional();
        if (current.isPresent()) {
            String storedHash = jdbc.sql("select token_hash from api_tokens where id = :id")
                    .param("id", current.get().id()).query(String.class).single();
            if (storedHash.equals(hash(secret))) {
                return;
            }
            revoke(current.get().id());
        }
        insert(new ApiToken(UUID.randomUUID(), BOOTSTRAP_NAME, null, true, now(), "configuration", null, null),
                secret);
    }

    /** A fresh random token, for a generated bootstrap secret. */
    public String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void insert(ApiToken token, String secret) {
        try {
            jdbc.sql("""
                    insert into api_tokens (id, name, team, admin, token_hash, created_at, created_by, expires_at)
                    values (:id, :name, :team, :admin, :hash, :createdAt, :createdBy, :expiresAt)
                    """)
                    .param("id", token.id())
                    .param("name", token.name())
                    .param("team", token.team())
                    .param("admin", token.admin())
                    .param("hash", hash(secret))
                    .param("createdAt", Timestamp.from(token.createdAt()))
                    .param("createdBy", token.createdBy())
                    .param("expiresAt", token.expiresAt() == null ? null : Timestamp.from(token.expiresAt()))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new TokenNameTakenException(token.name());
        }
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static ApiToken map(ResultSet rs, int row) throws SQLException {
        return new ApiToken(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("team"),
                rs.getBoolean("admin"), rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
                instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    /** A new token: the stored record and the secret, which is shown this once. */
    public record IssuedToken(ApiToken token, String secret) {
    }
}
