package io.swivel.server.internal.bundle;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long one method of one version takes to run, as far as the hand-off to the workers needs
 * to know. A method is <em>quick</em> while the moving average of its calls' run times (each
 * call weighs 1/8; timed from the invocation to the answer, so calls refused before they reach the
 * method count for nothing) is under {@value #QUICK_MICROS} µs, a few times what a hand-off to a
 * worker costs (a wake-up and a context switch), so that sharing one saves a good part of what the
 * call costs, while a longer call is better served by a worker of its own, on another core. A method
 * starts as slow, becomes quick after about 25 quick calls, and stops being quick when a few slower
 * calls raise the average, or at once after a call of {@value #SLOW_MICROS} µs or more. Written by
 * the threads that run the calls, read by the event loops; no lock (an update that loses a race is
 * skipped: this is an estimate).
 */
public final class CallPace {

    /** The average run time under which a method counts as quick, in microseconds. */
    static final long QUICK_MICROS = 50;
    /** A run at least this long makes the method slow again at once, in microseconds. */
    static final long SLOW_MICROS = 1_000;
    private static final long QUICK_NANOS = TimeUnit.MICROSECONDS.toNanos(QUICK_MICROS);
    private static final long SLOW_NANOS = TimeUnit.MICROSECONDS.toNanos(SLOW_MICROS);

    private final AtomicLong averageNanos = new AtomicLong(SLOW_NANOS);

    /** @return whether the method's calls lately ran within {@value #QUICK_MICROS} µs on average */
    public boolean quick() {
        return averageNanos.get() < QUICK_NANOS;
    }

    /**
     * Counts one call that ran.
     *
     * @param nanos how long it ran (for an asynchronous method: until it returned its future)
     */
    public void ran(long nanos) {
        if (nanos >= SLOW_NANOS) {
            averageNanos.set(SLOW_NANOS);
            return;
        }
        long average = averageNanos.get();
        long next = average + (nanos - average) / 8;
        if (next != average) {
            averageNanos.compareAndSet(average, next);
        }
    }
}
