package io.swivel.client.balance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An exponentially weighted moving average of call latency, one per endpoint: the value behind
 * {@link Endpoint#latencyEwmaNanos()}. Lock-free and safe to update from any thread.
 *
 * <p>Each sample moves the average by {@code alpha} of the gap: {@code value += alpha * (sample -
 * value)}. With the default {@value #DEFAULT_ALPHA}, a step change in latency is 89% absorbed after
 * 10 samples and 99% after 20, while a single outlier moves the average by only a fifth of its
 * excess. The first sample sets the value directly; until then the value is 0, meaning unknown.
 * Samples below 1 ns count as 1 ns, so a recorded average is never 0.
 */
public final class LatencyEwma {

    /** The default smoothing factor: the weight of each new sample. */
    public static final double DEFAULT_ALPHA = 0.2;

    private final double alpha;
    private final AtomicLong value = new AtomicLong();

    /** An average with the default smoothing factor, {@value #DEFAULT_ALPHA}. */
    public LatencyEwma() {
        this(DEFAULT_ALPHA);
    }

    /**
     * An average with the given smoothing factor.
     *
     * @param alpha the weight of each new sample, in {@code (0, 1]}; higher reacts faster
     */
    public LatencyEwma(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha: " + alpha + " (expected: > 0 and <= 1)");
        }
        this.alpha = alpha;
    }

    /**
     * Adds one latency sample.
     *
     * @param nanos the latency of one call in nanoseconds; values below 1 count as 1
     */
    public void record(long nanos) {
        long sample = Math.max(nanos, 1);
        while (true) {
            long previous = value.get();
            long next = previous == 0 ? sample : blend(previous, sample);
            if (value.compareAndSet(previous, next)) {
                return;
            }
        }
    }

    /**
     * The average moved toward {@code sample}. Both are in {@code [1, Long.MAX_VALUE]}, so their
     * gap fits a long.
     */
    private long blend(long previous, long sample) {
        long gap = sample - previous;
        long step = Math.round(alpha * gap);
        // Double rounding near Long.MAX_VALUE could overshoot the sample (and overflow): clamp to the gap.
        step = gap >= 0 ? Math.min(step, gap) : Math.max(step, gap);
        return previous + step;
    }

    /**
     * The current average.
     *
     * @return nanoseconds, or 0 if nothing was recorded yet
     */
    public long value() {
        return value.get();
    }

    @Override
    public String toString() {
        return "LatencyEwma[" + value.get() + " ns]";
    }
}
