package io.platyspark.core.testing;

import io.platyspark.core.quota.QuotaProperties;
import java.time.Duration;
import java.util.Map;

/** Quota settings for tests: the configured defaults ({@code platy.quotas.*}) with what a test changes. */
public final class TestQuotas {

    private TestQuotas() {}

    /** The defaults, with how long a team's submit waits behind its earlier ones. */
    public static QuotaProperties admissionWait(Duration wait) {
        return of(10_000, 60_000, wait);
    }

    /** The defaults, with a team's active apps, submits per minute and admission wait. */
    public static QuotaProperties of(int maxActiveApps, int submitsPerMinute, Duration admissionWait) {
        return new QuotaProperties(
                1,
                maxActiveApps,
                submitsPerMinute,
                Map.of(),
                10,
                500,
                50,
                Duration.ofSeconds(10),
                admissionWait,
                Duration.ofSeconds(30));
    }
}
