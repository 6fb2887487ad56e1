package io.platyspark.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TeamLimitsTest {

    /** Without quotas, a submit that waited too long behind its team's is still a 429 with Retry-After, not a 500. */
    @Test
    void withoutQuotasASubmitThatWaitedInVainIsRefusedAsAdmission() {
        RuntimeException busy = TeamLimits.NONE.busy("data");

        assertThat(busy).isInstanceOfSatisfying(AdmissionRefusedException.class, e -> {
            assertThat(e.quota()).isEqualTo("concurrentSubmits");
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(e.getMessage()).contains("team 'data'").contains("10000 ms");
        });
    }
}
