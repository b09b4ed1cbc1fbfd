package io.swivel.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory that frames not yet decoded may hold, shared by every connection of one server
 * (one instance per server, never static). Each {@link FrameDecoder} given this budget reserves
 * what it buffers before it buffers it, and gives it back as frames are decoded or the
 * connection closes; a connection whose bytes do not fit is refused with a
 * {@link FrameMemoryException}.
 */
public final class PartialFrameBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /**
     * Creates a budget.
     *
     * @param limit the bytes all connections together may hold in incomplete frames
     */
    public PartialFrameBudget(long limit) {
        if (limit < 1024) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1024)");
        }
        this.limit = limit;
    }

    /** @return the bytes all connections together may hold */
    public long limit() {
        return limit;
    }

    /** @return the bytes held now */
    public long used() {
        return used.get();
    }

    /** Reserves bytes if they fit under the limit; nothing is reserved if they do not. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Adjusts what is held (negative to give back) without a check: the bytes are already there. */
    void adjust(long delta) {
        if (delta != 0) {
            used.addAndGet(delta);
        }
    }

    @Override
    public String toString() {
        return "PartialFrameBudget[" + used.get() + " of " + limit + " bytes]";
    }
}
