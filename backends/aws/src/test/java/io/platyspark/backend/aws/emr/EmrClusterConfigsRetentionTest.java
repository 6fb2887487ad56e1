package io.platyspark.backend.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.submit.SubmissionProperties;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A cluster config's own {@code livy-conf} retention must outlive the submission worker's claim resolution bound
 * (lease 15 s + poll 1 s = 16 s here), or a crashed worker's retry could run a finished job again on that cluster.
 */
class EmrClusterConfigsRetentionTest {

    private static final String FIELD = "config.configurations.livy-conf[livy.server.session.state-retain.sec]";

    private final SubmissionProperties submission = new SubmissionProperties(
            true,
            2,
            10,
            Duration.ofSeconds(1),
            Duration.ofSeconds(15),
            5,
            Duration.ofSeconds(5),
            Duration.ofMinutes(1),
            Duration.ofSeconds(15));
    private final EmrClusterConfigs configs =
            new EmrClusterConfigs(PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/"), submission);

    private static String config(String livyConf) {
        return """
                {"instanceFleets": {"masterInstances": ["m6g.xlarge"], "coreInstancesAndWeights": {"m6g.2xlarge": 2},
                                    "coreTargetOnDemandCapacity": 4},
                 "tags": {"team": "data"}%s}
                """.formatted(livyConf == null ? "" : ", \"configurations\": {\"livy-conf\": " + livyConf + "}");
    }

    private static String retention(String value) {
        return config("{\"livy.server.session.state-retain.sec\": \"" + value + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"16s", "16", "16000ms", "10s", "0"})
    void aRetentionNotLongerThanTheBoundIsRefusedNamingTheFieldAndTheRule(String value) {
        assertThatThrownBy(() -> configs.validate("config", retention(value), "etl", "data"))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo(FIELD);
                    assertThat(e.getMessage())
                            .contains("must be longer than 16000ms")
                            .contains("platy.submission.lease 15s + platy.submission.poll-interval 1000ms")
                            .contains("set more than 17s, or leave it out for the platform's 3600s");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-5s", "10 weeks", "99999999999999999999d", "9999999999999999d"})
    void aRetentionThatIsNoLivyTimeIsRefusedNamingTheField(String value) {
        assertThatThrownBy(() -> configs.validate("config", retention(value), "etl", "data"))
                .isInstanceOfSatisfying(
                        InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo(FIELD));
    }

    @ParameterizedTest
    @ValueSource(strings = {"16001ms", "17s", "1h", "600"})
    void aLongerRetentionIsAccepted(String value) {
        assertThat(configs.validate("config", retention(value), "etl", "data").json())
                .contains("livy.server.session.state-retain.sec");
    }

    @Test
    void aConfigWithoutItsOwnRetentionOrWithOtherLivySettingsIsNotConcerned() {
        assertThat(configs.validate("config", config(null), "etl", "data")).isNotNull();
        assertThat(configs.validate("config", config("{\"livy.server.session.timeout\": \"1h\"}"), "etl", "data"))
                .isNotNull();
    }

    @Test
    void theRetentionIsListedWithTheConfigsOtherViolations() {
        String json = retention("5s").replace("\"team\": \"data\"", "\"team\": \"finance\"");

        assertThatThrownBy(() -> configs.validate("config", json, "etl", "data"))
                .isInstanceOfSatisfying(
                        InvalidFieldException.class,
                        e -> assertThat(e.errors())
                                .extracting(InvalidFieldException.FieldError::field)
                                .containsExactlyInAnyOrder("config.tags.team", FIELD));
    }
}
