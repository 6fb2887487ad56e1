package io.platyspark.backend.aws.awsjobs;

import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendUnavailableException;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One call to EMR on EKS or EMR Serverless, with AWS's answers sorted the platform's way: a 4xx that is no
 * throttling is a refusal (the same request will never pass), everything else — 5xx, throttling, a lost
 * connection, a timeout — is an outage, never "not found".
 */
public final class AwsJobCalls {

    private AwsJobCalls() {}

    public static <T> T call(String backend, String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            if (e.statusCode() >= 400 && e.statusCode() < 500 && !e.isThrottlingException() && e.statusCode() != 403) {
                throw new BackendRejectedException(backend + " refused to " + what + ": " + message(e), e);
            }
            throw new BackendUnavailableException(backend, backend + " " + what + " failed: " + message(e), e);
        } catch (SdkException e) {
            throw new BackendUnavailableException(backend, backend + " " + what + " failed: " + e.getMessage(), e);
        }
    }

    public static void run(String backend, String what, Runnable call) {
        call(backend, what, () -> {
            call.run();
            return null;
        });
    }

    /** Whether AWS answered that the thing asked about does not exist. */
    public static boolean notFound(Throwable e) {
        return e.getCause() instanceof AwsServiceException aws && aws.statusCode() == 404;
    }

    private static String message(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage()
                : e.getMessage();
    }
}
