package io.swivel.server.internal.bundle;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The recent calls of one version as a time series for the admin page's chart: one point per
 * {@link #STEP_MILLIS} ms (calls, unexpected failures, p99 latency), the last {@link #POINTS} of
 * them (10 minutes), in fixed memory: only the open point keeps a histogram, a closed one keeps
 * three numbers. Recording is lock-free except once per step, when the open point closes; the
 * series goes with its version when that is unloaded.
 */
public final class VersionSeries {

    /** How long one point covers: 5 s. */
    public static final long STEP_MILLIS = 5_000;
    /** How many closed points are kept: 10 minutes of them. */
    public static final int POINTS = 120;
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private final LongSupplier clock;
    private final long stepMillis;
    private final int capacity;
    private final Recorder latencies = new Recorder(HIGHEST_MICROS, 2);
    private final LongAdder failures = new LongAdder();
    private volatile long openStart;
    /** Guarded by this. */
    private final ArrayDeque<Point> closed = new ArrayDeque<>();
    private Histogram interval;

    /**
     * A series of {@link #POINTS} points of {@link #STEP_MILLIS} ms.
     *
     * @param clock the wall clock, in epoch milliseconds
     */
    public VersionSeries(LongSupplier clock) {
        this(clock, STEP_MILLIS, POINTS);
    }

    VersionSeries(LongSupplier clock, long stepMillis, int capacity) {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("stepMillis: " + stepMillis + " (expected: > 0)");
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.clock = clock;
        this.stepMillis = stepMillis;
        this.capacity = capacity;
        this.openStart = align(clock.getAsLong());
    }

    /**
     * Counts one finished call in the open point.
     *
     * @param nanos how long it took
     * @param failed whether it ended in an unexpected failure
     */
    public void record(long nanos, boolean failed) {
        long now = clock.getAsLong();
        if (now - openStart >= stepMillis) {
            roll(now);
        }
        latencies.recordValue(Math.max(0, Math.min(HIGHEST_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos))));
        if (failed) {
            failures.increment();
        }
    }

    /**
     * The closed points, oldest first: at most {@link #POINTS}, none older than that many steps;
     * a step without calls is a point with 0 calls.
     *
     * @return the points
     */
    public synchronized List<Point> points() {
        roll(clock.getAsLong());
        return List.copyOf(closed);
    }

    private synchronized void roll(long now) {
        long start = openStart;
        if (now - start < stepMillis) {
            return;
        }
        interval = latencies.getIntervalHistogram(interval);
        long count = interval.getTotalCount();
        long failed = Math.min(failures.sumThenReset(), count);
        add(new Point(start, count, failed, count == 0 ? 0 : interval.getValueAtPercentile(99.0)));
        long next = align(now);
        long firstEmpty = Math.max(start + stepMillis, next - (long) capacity * stepMillis);
        for (long empty = firstEmpty; empty < next; empty += stepMillis) {
            add(new Point(empty, 0, 0, 0));
        }
        openStart = next;
    }

    private void add(Point point) {
        closed.addLast(point);
        while (closed.size() > capacity) {
            closed.removeFirst();
        }
    }

    private long align(long millis) {
        return millis - Math.floorMod(millis, stepMillis);
    }

    /**
     * One step of a version's calls.
     *
     * @param startMillis when the step began, epoch milliseconds
     * @param calls calls finished in it
     * @param failures of those, unexpected failures
     * @param p99Micros their 99th percentile latency in microseconds (0 without calls)
     */
    public record Point(long startMillis, long calls, long failures, long p99Micros) {
    }
}
