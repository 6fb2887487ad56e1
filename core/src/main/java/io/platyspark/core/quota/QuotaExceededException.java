package io.platyspark.core.quota;

import io.platyspark.core.app.AdmissionRefusedException;
import java.time.Duration;

/**
 * A submit over one of its team's admission quotas: refused (429) with when to try again. Nothing was stored.
 */
public class QuotaExceededException extends AdmissionRefusedException {

    public QuotaExceededException(String quota, String message, Duration retryAfter) {
        super(quota, message, retryAfter);
    }
}
