package io.platyspark.client;

import java.io.IOException;

/** The server could not be reached or did not answer in time; whether it acted is unknown. */
public class PlatyTransportException extends RuntimeException {

    private final String requestId;

    public PlatyTransportException(String what, String requestId, IOException cause) {
        super(what + " failed: " + cause + " [request " + requestId + "]", cause);
        this.requestId = requestId;
    }

    public String requestId() {
        return requestId;
    }
}
