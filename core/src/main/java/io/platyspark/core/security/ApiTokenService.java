package io.platyspark.core.security;

import io.platyspark.core.store.RecentReads;
import io.platyspark.core.store.StoreChanges;
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

    private static final String TABLE = "api_tokens";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final StoreChanges changes; // null: every check reads the store
    private final RecentReads<String, ApiToken> recent;

    /** A service that reads the token's row from the store for every check. */
    public ApiTokenService(JdbcClient jdbc, Clock clock) {
        this(jdbc, clock, null);
    }

    /**
     * A service that keeps the rows of the tokens it checked while {@code changes} hears of no change to
     * {@code api_tokens}, for {@link RecentReads#KEEP_AT_MOST} at most: a token revoked anywhere is refused once the notice
     * of the revocation arrives, and at once in the process that revoked it. Expiry is checked on every call.
     */
    public ApiTokenService(JdbcClient jdbc, Clock clock, StoreChanges changes) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.changes = changes;
        this.recent = changes == null ? null : new RecentReads<>(changes, TABLE);
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
        ApiToken token = new ApiToken(
                UUID.randomUUID(), name, team, admin, now, createdBy, ttl == null ? null : now.plus(ttl), null);
        insert(token, secret);
        return new IssuedToken(token, secret);
    }

    /** The caller a presented token stands for, if it is known, unrevoked and unexpired. */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isBlank()) {
            return Optional.empty();
        }
        Instant now = now();
        String hash = hash(presented);
        Optional<ApiToken> token = recent == null ? findByHash(hash) : recent.get(hash, this::findByHash);
        return token.filter(t -> t.isUsableAt(now)).map(ApiToken::toCaller);
    }

    private Optional<ApiToken> findByHash(String hash) {
        return jdbc.sql("select * from api_tokens where token_hash = :hash")
                .param("hash", hash)
                .query(ApiTokenService::map)
                .optional();
    }

    private void changed() {
        if (changes != null) {
            changes.changedAfterCommit(TABLE);
        }
    }

    public List<ApiToken> list() {
        return jdbc.sql("select * from api_tokens order by created_at desc")
                .query(ApiTokenService::map)
                .list();
    }

    /**
     * Revokes a token unless it is the last usable admin token: with none left nobody could issue or revoke
     * tokens again (OIDC aside), so that revocation is refused rather than locking every operator out.
     */
    public Revocation revoke(UUID id) {
        Timestamp now = Timestamp.from(now());
        // The CTE locks every usable admin token, so two admins revoking each other at once cannot both pass the
        // "another admin remains" check: the second waits, re-reads and sees the first one's revocation.
        int revoked = jdbc.sql("""
                with admins as (
                    select id from api_tokens
                    where admin and revoked_at is null and (expires_at is null or expires_at > :now)
                    for update)
                update api_tokens set revoked_at = :now
                where id = :id and revoked_at is null
                  and (not admin or exists (select 1 from admins where admins.id <> :id))
                """).param("id", id).param("now", now).update();
        if (revoked == 1) {
            changed(); // a refused or unknown revocation moved no row: what the readers hold is still true
            return Revocation.REVOKED;
        }
        boolean active = jdbc.sql("select count(*) from api_tokens where id = :id and revoked_at is null")
                        .param("id", id)
                        .query(Long.class)
                        .single()
                > 0;
        return active ? Revocation.LAST_ADMIN : Revocation.NOT_FOUND;
    }

    /** How {@link #revoke(UUID)} ended. */
    public enum Revocation {
        REVOKED,
        /** No unrevoked token has this id. */
        NOT_FOUND,
        /** Refused: it is the last usable admin token. */
        LAST_ADMIN
    }

    /**
     * Makes {@code secret} a usable admin token without expiry: the operator's way in. Each secret gets a token
     * of its own ({@code bootstrap-admin-<hash prefix>}) and no start ever revokes another secret's token, so
     * replicas (or restarts that generate a fresh secret) never log each other out; retire an old one with
     * {@code DELETE /api/v1/admin/tokens/{id}}. A configured secret that an admin revoked is re-activated: the
     * configuration is the operator's standing word that it is valid (remove it there to retire it).
     *
     * @return what was done, for the start-up log
     */
    public Bootstrap ensureBootstrapAdmin(String secret, String createdBy) {
        String hash = hash(secret);
        Optional<ApiToken> stored = findByHash(hash);
        if (stored.isPresent()) {
            ApiToken token = stored.get();
            if (!token.admin()) {
                throw new IllegalStateException("the bootstrap admin token is already in use as the non-admin "
                        + "token '" + token.name() + "'; configure another secret");
            }
            if (token.revokedAt() == null && token.expiresAt() == null) {
                return Bootstrap.ACTIVE;
            }
            // Re-activation clears the expiry too, and keeps the row (and its audit trail) rather than a new one.
            int reactivated = jdbc.sql("""
                    update api_tokens set revoked_at = null, expires_at = null
                    where id = :id and (revoked_at is not null or expires_at is not null)
                      and not exists (select 1 from api_tokens o
                                      where o.name = :name and o.revoked_at is null and o.id <> :id)
                    """)
                    .param("id", token.id())
                    .param("name", token.name())
                    .update();
            changed();
            if (reactivated == 0 && token.revokedAt() != null) {
                throw new IllegalStateException("the bootstrap admin token was revoked and another active token "
                        + "is now named '" + token.name() + "'; revoke that one or configure another secret");
            }
            return Bootstrap.REACTIVATED;
        }
        String name = BOOTSTRAP_NAME + "-" + hash.substring(0, 12);
        // "on conflict do nothing": a replica starting at the same moment with the same secret inserted it first.
        int inserted = jdbc.sql("""
                insert into api_tokens (id, name, team, admin, token_hash, created_at, created_by, expires_at)
                values (:id, :name, null, true, :hash, :createdAt, :createdBy, null)
                on conflict do nothing
                """)
                .param("id", UUID.randomUUID())
                .param("name", name)
                .param("hash", hash)
                .param("createdAt", Timestamp.from(now()))
                .param("createdBy", createdBy)
                .update();
        if (inserted == 1) {
            return Bootstrap.CREATED;
        }
        if (jdbc.sql("select count(*) from api_tokens where token_hash = :hash")
                        .param("hash", hash)
                        .query(Long.class)
                        .single()
                > 0) {
            return ensureBootstrapAdmin(secret, createdBy);
        }
        throw new IllegalStateException("an active token is already named '" + name + "'; revoke it or configure "
                + "another bootstrap secret");
    }

    /** What {@link #ensureBootstrapAdmin} did. */
    public enum Bootstrap {
        CREATED,
        ACTIVE,
        REACTIVATED
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
            changed();
        } catch (DuplicateKeyException e) {
            throw new TokenNameTakenException(token.name());
        }
    }

    static String hash(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static ApiToken map(ResultSet rs, int row) throws SQLException {
        return new ApiToken(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("team"),
                rs.getBoolean("admin"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"),
                instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    /** A new token: the stored record and the secret, which is shown this once. */
    public record IssuedToken(ApiToken token, String secret) {}
}
