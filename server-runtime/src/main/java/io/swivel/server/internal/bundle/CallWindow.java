package io.swivel.server.internal.bundle;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The calls one version finished since the last look, for comparing two versions over the same
 * window: how many, how many failed unexpectedly, and their latency in an HdrHistogram
 * {@link Recorder} (fixed memory, up to {@value #HIGHEST_SECONDS} s at two significant digits;
 * longer calls count as that long). Recording is lock-free; {@link #look()} reads the window so
 * far and {@link #restart()} starts the next one.
 */
public final class CallWindow {

    static final long HIGHEST_SECONDS = 3600;
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(HIGHEST_SECONDS);

    private final Recorder latencies = new Recorder(HIGHEST_MICROS, 2);
    private final LongAdder failures = new LongAdder();
    /** Guarded by this: the window so far, and the interval read into it at each look. */
    private final Histogram window = new Histogram(HIGHEST_MICROS, 2);
    private final Histogram interval = new Histogram(HIGHEST_MICROS, 2);
    private long failed;

    /**
     * Counts one finished call.
     *
     * @param nanos how long it took, from arrival to answer
     * @param failed whether it ended in an unexpected failure
     */
    public void record(long nanos, boolean failed) {
        long micros = Math.max(0, Math.min(HIGHEST_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
        latencies.recordValue(micros);
        if (failed) {
            failures.increment();
        }
    }

    /**
     * What the window counted since it (re)started: the calls recorded since the previous look
     * are added to it. One analysis thread looks at a time.
     *
     * @return the window's figures so far
     */
    public synchronized Figures look() {
        latencies.getIntervalHistogramInto(interval);
        window.add(interval);
        failed += failures.sumThenReset();
        long calls = window.getTotalCount();
        return new Figures(calls, Math.min(failed, calls), calls == 0 ? 0 : window.getValueAtPercentile(99.0));
    }

    /** Starts a new window: what was counted so far is forgotten. */
    public synchronized void restart() {
        latencies.getIntervalHistogramInto(interval);
        failures.reset();
        window.reset();
        failed = 0;
    }

    /**
     * What one window counted.
     *
     * @param calls calls finished
     * @param failures of those, unexpected failures
     * @param p99Micros their 99th percentile latency, in microseconds (0 without calls)
     */
    public record Figures(long calls, long failures, long p99Micros) {

        /** @return no calls */
        public static Figures none() {
            return new Figures(0, 0, 0);
        }

        /** @return failures per call, 0 without calls */
        public double errorRate() {
            return calls == 0 ? 0 : (double) failures / calls;
        }

        /** @return {@code 31% of 412 calls, p99 12.5 ms} */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s of %d calls failed, p99 %.1f ms", percent(errorRate()), calls,
                    p99Micros / 1000.0);
        }

        /** A share as people write it: {@code 31%}, {@code 0.2%}, {@code 0%}. */
        public static String percent(double share) {
            double value = share * 100;
            if (value == 0 || value >= 10) {
                return String.format(Locale.ROOT, "%.0f%%", value);
            }
            return String.format(Locale.ROOT, "%.1f%%", value);
        }
    }
}
