package io.swivel.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A per-thread override of the call timeout, opened with {@link SwivelClient#withTimeout}.
 * Scopes nest; closing one restores the timeout that was in force when it was opened.
 */
public final class CallScope implements AutoCloseable {

    private static final ThreadLocal<Duration> CURRENT = new ThreadLocal<>();

    private final Duration previous;
    private boolean closed;

    private CallScope(Duration previous) {
        this.previous = previous;
    }

    static CallScope open(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        CallScope scope = new CallScope(CURRENT.get());
        CURRENT.set(timeout);
        return scope;
    }

    /**
     * The timeout in force on this thread, if a scope is open.
     *
     * @return the timeout, or {@code null}
     */
    public static Duration current() {
        return CURRENT.get();
    }

    /** Restores the previous timeout. Idempotent. */
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
