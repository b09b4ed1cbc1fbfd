package io.swivel.client;

import io.swivel.protocol.CallMetadata;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-thread call metadata, opened with {@link SwivelClient#withMetadata}: every call the thread
 * makes inside the scope carries the entries. Scopes nest (an inner one adds to or overrides the
 * outer one's entries); closing one restores what was in force when it was opened.
 */
public final class MetadataScope implements AutoCloseable {

    private static final ThreadLocal<Map<String, String>> CURRENT = new ThreadLocal<>();

    private final Map<String, String> previous;
    private boolean closed;

    private MetadataScope(Map<String, String> previous) {
        this.previous = previous;
    }

    static MetadataScope open(Map<String, String> entries) {
        Objects.requireNonNull(entries, "entries");
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            String bad = CallMetadata.checkKey(entry.getKey());
            if (bad != null) {
                throw new IllegalArgumentException(bad);
            }
            Objects.requireNonNull(entry.getValue(), () -> "value of metadata key " + entry.getKey());
        }
        Map<String, String> previous = CURRENT.get();
        Map<String, String> next = new HashMap<>(previous != null ? previous : Map.of());
        next.putAll(entries);
        CURRENT.set(Collections.unmodifiableMap(next));
        return new MetadataScope(previous);
    }

    /**
     * The metadata in force on this thread.
     *
     * @return the entries (unmodifiable), or {@code null} if no scope is open
     */
    public static Map<String, String> current() {
        return CURRENT.get();
    }

    /** Restores the previous metadata. Idempotent; close it on the thread that opened it. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
