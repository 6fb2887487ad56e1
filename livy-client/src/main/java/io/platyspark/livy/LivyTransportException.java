package io.platyspark.livy;

import java.io.IOException;

/** Livy could not be reached or did not answer (refused, reset, timed out): whether it acted is unknown. */
public class LivyTransportException extends LivyException {

    public LivyTransportException(String method, String url, IOException cause) {
        super(method, url, cause.toString(), cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
