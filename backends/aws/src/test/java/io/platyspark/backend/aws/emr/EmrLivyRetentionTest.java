package io.platyspark.backend.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.core.submit.LivyRetention;
import io.platyspark.core.submit.SubmissionProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Livy retention EMR's platform defaults give every cluster is held to exactly-once submission's window. */
class EmrLivyRetentionTest {

    @Test
    void theEmrClustersLivyConfIsCheckedToo() {
        SubmissionProperties submission = new SubmissionProperties(
                true,
                2,
                10,
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                5,
                Duration.ofSeconds(5),
                Duration.ofMinutes(1),
                Duration.ofSeconds(15));
        Map<String, Map<String, String>> platformDefault =
                PlatformDefaults.emr7(List.of("subnet-1"), "s3://l/").configurations();
        Map<String, Map<String, String>> shortRetention = new LinkedHashMap<>(platformDefault);
        shortRetention.put("livy-conf", Map.of("livy.server.session.state-retain.sec", "240"));

        assertThat(LivyRetention.startupProblems(Duration.ofMinutes(10), shortRetention, submission))
                .singleElement()
                .asString()
                .startsWith("the EMR clusters' livy-conf livy.server.session.state-retain.sec is 240s");
        assertThat(LivyRetention.startupProblems(Duration.ofMinutes(10), platformDefault, submission))
                .as("EMR's platform default is 3600s")
                .isEmpty();
        assertThat(LivyRetention.startupProblems(
                        Duration.ofMinutes(10),
                        Map.of("livy-conf", Map.of("livy.server.session.state-retain.sec", "5m")),
                        submission))
                .as("5m = the lease, not longer")
                .hasSize(1);
        assertThat(LivyRetention.startupProblems(Duration.ofMinutes(10), null, submission))
                .isEmpty();
    }
}
