package io.platyspark.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.store.RecentReads;
import io.platyspark.core.store.StoreChanges;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Admins cannot lock everyone out, bootstrap tokens survive restarts and replicas, and a checked token kept for the
 * next check is refused as soon as its revocation is heard of. On a real PostgreSQL.
 */
class ApiTokenServiceTest {

    final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    final DataSource dataSource = TestDatabase.newMigratedDataSource();
    final JdbcClient jdbc = JdbcClient.create(dataSource);
    final StoreChanges changes = StoreChanges.listeningOn(dataSource);
    final ApiTokenService tokens = new ApiTokenService(jdbc, clock, changes);

    @AfterEach
    void close() {
        changes.close();
    }

    @Test
    void aTokenRevokedHereIsRefusedAtOnce() {
        ApiTokenService.IssuedToken issued = issuedAndRead();
        assertThat(tokens.authenticate(issued.secret())).isPresent();

        assertThat(tokens.revoke(issued.token().id())).isEqualTo(ApiTokenService.Revocation.REVOKED);

        assertThat(tokens.authenticate(issued.secret())).isEmpty();
    }

    @Test
    void aRevocationThatMovesNoRowDropsNothingKept() {
        await().atMost(Duration.ofSeconds(20)).until(changes::listening);
        long before = changes.version("api_tokens");

        assertThat(tokens.revoke(UUID.randomUUID())).isEqualTo(ApiTokenService.Revocation.NOT_FOUND);

        assertThat(changes.version("api_tokens"))
                .as("no token changed: the kept ones stay kept")
                .isEqualTo(before);
    }

    @Test
    void aTokenRevokedByAnotherReplicaIsRefusedOnceTheNoticeArrives() {
        ApiTokenService.IssuedToken issued = issuedAndRead();
        long before = changes.version("api_tokens");

        ApiTokenService otherReplica = new ApiTokenService(jdbc, clock);
        assertThat(otherReplica.revoke(issued.token().id())).isEqualTo(ApiTokenService.Revocation.REVOKED);

        await().atMost(Duration.ofSeconds(20)).until(() -> changes.version("api_tokens") > before);
        assertThat(tokens.authenticate(issued.secret())).isEmpty();
    }

    @Test
    void aKeptTokenIsReadAgainAfterTwoSecondsEvenWhenNoNoticeArrives() {
        ApiTokenService.IssuedToken issued = issuedAndRead();
        // As through a pooler in transaction mode, where a LISTEN hears nothing.
        jdbc.sql("alter table api_tokens disable trigger api_tokens_notify_change")
                .update();
        jdbc.sql("update api_tokens set revoked_at = now() where id = :id")
                .param("id", issued.token().id())
                .update();

        assertThat(tokens.authenticate(issued.secret()))
                .as("kept: no change was heard of")
                .isPresent();
        await().atMost(RecentReads.KEEP_AT_MOST.plusSeconds(5))
                .until(() -> tokens.authenticate(issued.secret()).isEmpty());
    }

    @Test
    void expiryIsCheckedOnEveryCallOfAKeptToken() {
        await().atMost(Duration.ofSeconds(20)).until(changes::listening);
        ApiTokenService.IssuedToken issued = tokens.issue("team-a", "team-a", false, Duration.ofHours(1), "t");
        assertThat(tokens.authenticate(issued.secret())).isPresent();

        clock.advance(Duration.ofHours(2));

        assertThat(tokens.authenticate(issued.secret())).isEmpty();
    }

    @Test
    void theLastUsableAdminTokenCannotBeRevoked() {
        tokens.ensureBootstrapAdmin("platy_boot", "configuration");
        UUID bootstrap = idOf("platy_boot");
        UUID team = tokens.issue("team-a", "team-a", false, Duration.ofDays(1), "t")
                .token()
                .id();

        assertThat(tokens.revoke(bootstrap)).isEqualTo(ApiTokenService.Revocation.LAST_ADMIN);
        assertThat(tokens.authenticate("platy_boot")).isPresent();
        assertThat(tokens.revoke(team)).as("team tokens are not admins").isEqualTo(ApiTokenService.Revocation.REVOKED);

        ApiTokenService.IssuedToken second = tokens.issue("ops", null, true, Duration.ofDays(1), "t");
        assertThat(tokens.revoke(bootstrap)).isEqualTo(ApiTokenService.Revocation.REVOKED);
        assertThat(tokens.revoke(bootstrap)).isEqualTo(ApiTokenService.Revocation.NOT_FOUND);
        assertThat(tokens.revoke(second.token().id()))
                .as("now the last one, even for itself")
                .isEqualTo(ApiTokenService.Revocation.LAST_ADMIN);
    }

    @Test
    void anExpiredAdminTokenDoesNotCountAsTheOneLeft() {
        tokens.ensureBootstrapAdmin("platy_boot", "configuration");
        tokens.issue("short", null, true, Duration.ofDays(1), "t");
        clock.advance(Duration.ofDays(2));

        assertThat(tokens.revoke(idOf("platy_boot"))).isEqualTo(ApiTokenService.Revocation.LAST_ADMIN);
    }

    @Test
    void twoAdminsRevokingEachOtherAtOnceLeaveOne() {
        for (int round = 0; round < 20; round++) {
            UUID a = tokens.issue("a-" + round, null, true, null, "t").token().id();
            UUID b = tokens.issue("b-" + round, null, true, null, "t").token().id();
            jdbc.sql("update api_tokens set revoked_at = now() where admin and id not in (:a, :b)")
                    .param("a", a)
                    .param("b", b)
                    .update();

            CompletableFuture<ApiTokenService.Revocation> first = CompletableFuture.supplyAsync(() -> tokens.revoke(a));
            CompletableFuture<ApiTokenService.Revocation> second =
                    CompletableFuture.supplyAsync(() -> tokens.revoke(b));

            assertThat(List.of(first.join(), second.join()))
                    .containsExactlyInAnyOrder(
                            ApiTokenService.Revocation.REVOKED, ApiTokenService.Revocation.LAST_ADMIN);
        }
    }

    @Test
    void aRevokedConfiguredBootstrapTokenIsReactivatedByTheNextStart() {
        assertThat(tokens.ensureBootstrapAdmin("platy_boot", "configuration"))
                .isEqualTo(ApiTokenService.Bootstrap.CREATED);
        tokens.issue("ops", null, true, null, "t");
        assertThat(tokens.revoke(idOf("platy_boot"))).isEqualTo(ApiTokenService.Revocation.REVOKED);
        assertThat(tokens.authenticate("platy_boot")).isEmpty();

        assertThat(tokens.ensureBootstrapAdmin("platy_boot", "configuration"))
                .isEqualTo(ApiTokenService.Bootstrap.REACTIVATED);
        assertThat(tokens.authenticate("platy_boot")).isPresent();
        assertThat(tokens.ensureBootstrapAdmin("platy_boot", "configuration"))
                .isEqualTo(ApiTokenService.Bootstrap.ACTIVE);
    }

    @Test
    void aStartWithAnotherSecretRevokesNoEarlierOne() {
        // Two replicas (or a restart that generates a fresh secret) on one database.
        tokens.ensureBootstrapAdmin("platy_first", "generated at start");
        tokens.ensureBootstrapAdmin("platy_second", "generated at start");
        tokens.ensureBootstrapAdmin("platy_first", "generated at start");

        assertThat(tokens.authenticate("platy_first")).isPresent();
        assertThat(tokens.authenticate("platy_second")).isPresent();
    }

    @Test
    void replicasStartingAtOnceWithOneSecretMakeOneToken() {
        List<CompletableFuture<ApiTokenService.Bootstrap>> starts = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> tokens.ensureBootstrapAdmin("platy_same", "c")))
                .toList();

        assertThat(starts.stream().map(CompletableFuture::join))
                .containsOnly(ApiTokenService.Bootstrap.CREATED, ApiTokenService.Bootstrap.ACTIVE);
        assertThat(jdbc.sql("select count(*) from api_tokens").query(Long.class).single())
                .isEqualTo(1);
    }

    /**
     * A token issued while notices are heard, once its insert's notice has arrived (a later one would drop the row
     * kept next), and checked once (so its row is kept from here on).
     */
    private ApiTokenService.IssuedToken issuedAndRead() {
        await().atMost(Duration.ofSeconds(20)).until(changes::listening);
        long before = changes.version("api_tokens");
        ApiTokenService.IssuedToken issued = tokens.issue("team-a", "team-a", false, null, "t");
        // One step for this process's own record of the insert, one for the trigger's notice.
        await().atMost(Duration.ofSeconds(20)).until(() -> changes.version("api_tokens") >= before + 2);
        assertThat(tokens.authenticate(issued.secret())).isPresent();
        return issued;
    }

    private UUID idOf(String secret) {
        return jdbc.sql("select id from api_tokens where token_hash = :h")
                .param("h", ApiTokenService.hash(secret))
                .query(UUID.class)
                .single();
    }
}
