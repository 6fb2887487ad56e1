package io.platyspark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.testing.TestDatabase;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A submit is one transaction (issue 25, item 3): the app, its first event and the call's audit row commit
 * together, and when the audit row cannot be written no app is left behind.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.security.bootstrap-admin-token=" + ApiClient.ADMIN_TOKEN,
            "platy.security.local-source-roots=/opt/apps",
            "platy.submission.enabled=false"
        })
class SubmitTransactionTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    javax.sql.DataSource dataSource;

    JdbcClient jdbc;
    ApiClient api;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        jdbc = JdbcClient.create(dataSource);
        // The real table refuses the row of one marked request, the way a full disk or a broken column would.
        jdbc.sql("""
                create or replace function refuse_marked_audit() returns trigger language plpgsql as $$
                begin
                    if new.request_id = 'audit-refused' and new.status = 202 then
                        raise exception 'audit_log refused the row';
                    end if;
                    return new;
                end $$
                """).update();
        jdbc.sql("drop trigger if exists refuse_marked_audit on audit_log").update();
        jdbc.sql("create trigger refuse_marked_audit before insert on audit_log for each row "
                        + "execute function refuse_marked_audit()")
                .update();
    }

    private static Map<String, Object> app(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("team", "data");
        body.put("cluster", "local");
        body.put("source", "/opt/apps/" + name + ".py");
        return body;
    }

    @Test
    void theAppItsEventAndTheAuditRowCommitInOneTransaction() {
        ApiClient.Response response =
                api.post("/api/v1/apps", app("one-commit"), Map.of("X-Request-Id", "one-commit-1"));
        assertThat(response.status()).isEqualTo(202);
        String id = response.body().get("id").asString();

        // xmin is the id of the transaction that wrote a row: one id for all three rows is one commit.
        String appTx = jdbc.sql("select xmin::text from apps where id = cast(:id as uuid)")
                .param("id", id)
                .query(String.class)
                .single();
        String eventTx = jdbc.sql("select xmin::text from app_events where app_id = cast(:id as uuid)")
                .param("id", id)
                .query(String.class)
                .single();
        String auditTx = jdbc.sql("select xmin::text from audit_log where request_id = 'one-commit-1'")
                .query(String.class)
                .single();
        assertThat(eventTx).isEqualTo(appTx);
        assertThat(auditTx).as("the audit row is in the app's transaction").isEqualTo(appTx);
        assertThat(jdbc.sql("select status from audit_log where request_id = 'one-commit-1'")
                        .query(Integer.class)
                        .single())
                .isEqualTo(202);
    }

    @Test
    void aFailedAuditInsertLeavesNoApp() {
        int eventsBefore =
                jdbc.sql("select count(*) from app_events").query(Integer.class).single();
        ApiClient.Response response =
                api.post("/api/v1/apps", app("half-written"), Map.of("X-Request-Id", "audit-refused"));

        assertThat(response.status()).as(response.raw()).isGreaterThanOrEqualTo(500);
        assertThat(jdbc.sql("select count(*) from apps where name = 'half-written'")
                        .query(Integer.class)
                        .single())
                .as("no app without its audit row")
                .isZero();
        assertThat(jdbc.sql("select count(*) from app_events")
                        .query(Integer.class)
                        .single())
                .isEqualTo(eventsBefore);
        // The failed call itself is still recorded, by the audit filter, with its real status.
        assertThat(jdbc.sql("select status from audit_log where request_id = 'audit-refused'")
                        .query(Integer.class)
                        .list())
                .singleElement()
                .satisfies(status -> assertThat(status).isGreaterThanOrEqualTo(500));

        // and the next submit goes through.
        assertThat(api.post("/api/v1/apps", app("after"), Map.of()).status()).isEqualTo(202);
    }
}
