package io.platyspark.core.store;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Rows of one table read recently, kept while {@link StoreChanges} has heard of no change to the table since they
 * were read, and never longer than a maximum age (a bound on how stale a row can be should notices stop arriving
 * unnoticed, as they do through a pooler in transaction mode). Only rows that exist are kept: an unknown key is
 * asked of the store every time, so a row inserted elsewhere is found at once.
 *
 * <p>A read is kept only when the table's version was the same before and after it and notices were being heard
 * throughout: a change committed while it ran makes it a one-off answer, never a kept one.
 */
public final class RecentReads<K, V> {

    /**
     * How long a row is kept at most, even when no change to its table is heard of: the staleness a row can have
     * should notices stop arriving unnoticed.
     */
    public static final Duration KEEP_AT_MOST = Duration.ofSeconds(2);

    static final int MAX_ENTRIES = 10_000;

    private final StoreChanges changes;
    private final String table;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();

    /** Rows of {@code table}, each kept for {@link #KEEP_AT_MOST} at most. */
    public RecentReads(StoreChanges changes, String table) {
        this(changes, table, KEEP_AT_MOST, System::nanoTime);
    }

    RecentReads(StoreChanges changes, String table, Duration maxAge) {
        this(changes, table, maxAge, System::nanoTime);
    }

    RecentReads(StoreChanges changes, String table, Duration maxAge, LongSupplier nanoTime) {
        this.changes = changes;
        this.table = table;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The kept row for {@code key} if it is still current, else what {@code load} reads now. */
    public Optional<V> get(K key, Function<K, Optional<V>> load) {
        long version = changes.version(table);
        boolean listening = changes.listening();
        long now = nanoTime.getAsLong();
        Entry<V> kept = entries.get(key);
        if (kept != null && listening && kept.version == version && now - kept.readAt < maxAgeNanos) {
            return Optional.of(kept.value);
        }
        Optional<V> read = load.apply(key);
        if (read.isEmpty()) {
            entries.remove(key);
        } else if (listening && changes.listening() && changes.version(table) == version) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key, new Entry<>(version, read.get(), now));
        }
        return read;
    }

    private record Entry<V>(long version, V value, long readAt) {}
}
