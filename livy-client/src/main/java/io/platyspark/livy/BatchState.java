package io.platyspark.livy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The states Livy reports. Batches use {@code starting}, {@code recovering}, {@code running}, {@code success},
 * {@code dead} and {@code killed}; the others belong to interactive sessions. A value this version does not know
 * becomes {@link #UNKNOWN} (and is logged) instead of failing a whole list.
 */
public enum BatchState {
    NOT_STARTED,
    STARTING,
    RECOVERING,
    IDLE,
    RUNNING,
    BUSY,
    SHUTTING_DOWN,
    ERROR,
    DEAD,
    KILLED,
    SUCCESS,
    UNKNOWN;

    private static final Logger log = LoggerFactory.getLogger(BatchState.class);
    /** Warn once per value: a list of 10,000 batches in a new state would otherwise log 10,000 lines a cycle. */
    private static final Set<String> warned = ConcurrentHashMap.newKeySet();
    /** By wire value: a list of thousands of batches is read every tracking cycle. */
    private static final Map<String, BatchState> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(BatchState::wireValue, state -> state));

    /** Ended for good: nothing will change any more ({@code error} ends an interactive session). */
    public boolean isFinished() {
        return this == SUCCESS || this == DEAD || this == KILLED || this == ERROR;
    }

    /** Livy's wire value ({@code not_started}, {@code shutting_down}...). */
    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BatchState fromWire(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        BatchState known = BY_WIRE.get(value);
        if (known != null) {
            return known;
        }
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            if (warned.size() < 100 && warned.add(value)) {
                log.warn("Livy reported a state this client does not know: '{}'; treating it as UNKNOWN", value);
            }
            return UNKNOWN;
        }
    }
}
