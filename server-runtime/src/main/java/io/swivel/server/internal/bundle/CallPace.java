package io.swivel.server.internal.bundle;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long one method of one version takes to run, as far as the hand-off to the workers needs
 * to know: a method is <em>quick</em> once its last {@value #STREAK} calls each ran within
 * {@value #QUICK_MICROS} µs, and stops being quick at the first call that did not. Quick calls
 * that arrive together may share one worker task (they wait for each other, at most a few
 * milliseconds); any other call gets a worker of its own. Written by the workers, read by the
 * event loops; no lock.
 */
public final class CallPace {

    /** Calls in a row within {@link #QUICK_MICROS} before a method counts as quick. */
    static final int STREAK = 32;
    /** The longest run of a quick call, in microseconds. */
    static final long QUICK_MICROS = 200;
    private static final long QUICK_NANOS = TimeUnit.MICROSECONDS.toNanos(QUICK_MICROS);

    private final AtomicInteger streak = new AtomicInteger();

    /** @return whether the method's last {@value #STREAK} calls were all quick */
    public boolean quick() {
        return streak.get() >= STREAK;
    }

    /**
     * Counts one call that ran.
     *
     * @param nanos how long it ran (for an asynchronous method: until it returned its future)
     */
    public void ran(long nanos) {
        if (nanos > QUICK_NANOS) {
            if (streak.get() != 0) {
                streak.set(0);
            }
        } else if (streak.get() < STREAK) {
            streak.incrementAndGet();
        }
    }
}
