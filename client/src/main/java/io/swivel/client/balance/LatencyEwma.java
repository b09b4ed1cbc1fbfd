package io.swivel.client.balance;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An exponentially weighted moving average of call latency, one per endpoint: the value behind
 * {@link Endpoint#latencyEwmaNanos()}. Lock-free and safe to update from any thread.
 *
 * <p>Each sample moves the average by {@code alpha} of the gap: {@code value += alpha * (sample -
 * value)}. With the default {@value #DEFAULT_ALPHA}, a step change in latency is 89% absorbed after
 * 10 samples and 99% after 20, while a single outlier moves the average by only a fifth of its
 * excess. The first sample sets the value directly; until then the value is 0, meaning unknown.
 * Samples below 1 ns count as 1 ns, so a recorded average is never 0.
 *
 * <p>An average that gets no sample ages: once it is older than {@value #DEFAULT_IDLE_MILLIS} ms
 * it halves every {@value #DEFAULT_HALF_LIFE_MILLIS} ms (never below 1 ns), and the next sample
 * blends with the aged value. Without this, an endpoint whose first call was slow (a new server's
 * cold start) would lose every comparison of a latency-based balancer, never be called again, and
 * so never correct its average: with two servers, the newcomer starved. An endpoint in use gets
 * samples far more often than that and does not age.
 */
public final class LatencyEwma {

    /** The default smoothing factor: the weight of each new sample. */
    public static final double DEFAULT_ALPHA = 0.2;

    /** How long an average stays as it is without samples before it starts to age. */
    public static final long DEFAULT_IDLE_MILLIS = 100;

    /** How fast an idle average ages: it halves every so many milliseconds. */
    public static final long DEFAULT_HALF_LIFE_MILLIS = 250;

    private final double alpha;
    private final long idleNanos;
    private final long halfLifeNanos;
    private final LongSupplier clock;
    private final AtomicLong value = new AtomicLong();
    private volatile long lastSampleNanos;

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
        this(alpha, TimeUnit.MILLISECONDS.toNanos(DEFAULT_IDLE_MILLIS),
                TimeUnit.MILLISECONDS.toNanos(DEFAULT_HALF_LIFE_MILLIS), System::nanoTime);
    }

    /**
     * An average with every parameter given, for tests.
     *
     * @param alpha the weight of each new sample, in {@code (0, 1]}
     * @param idleNanos how long an average without samples stays as it is, {@code >= 0}
     * @param halfLifeNanos after that, it halves every so many nanoseconds, {@code > 0}
     * @param clock the time in nanoseconds, as {@link System#nanoTime()}
     */
    LatencyEwma(double alpha, long idleNanos, long halfLifeNanos, LongSupplier clock) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha: " + alpha + " (expected: > 0 and <= 1)");
        }
        if (idleNanos < 0) {
            throw new IllegalArgumentException("idleNanos: " + idleNanos + " (expected: >= 0)");
        }
        if (halfLifeNanos <= 0) {
            throw new IllegalArgumentException("halfLifeNanos: " + halfLifeNanos + " (expected: > 0)");
        }
        this.alpha = alpha;
        this.idleNanos = idleNanos;
        this.halfLifeNanos = halfLifeNanos;
        this.clock = clock;
    }

    /**
     * Adds one latency sample.
     *
     * @param nanos the latency of one call in nanoseconds; values below 1 count as 1
     */
    public void record(long nanos) {
        long sample = Math.max(nanos, 1);
        long now = clock.getAsLong();
        while (true) {
            long previous = value.get();
            long next = previous == 0 ? sample : blend(aged(previous, now), sample);
            if (value.compareAndSet(previous, next)) {
                lastSampleNanos = now;
                return;
            }
        }
    }

    /** The average as it stands {@code now}: aged if no sample came for longer than the idle time. */
    private long aged(long average, long now) {
        long idle = now - lastSampleNanos - idleNanos;
        if (idle <= 0) {
            return average;
        }
        double halvings = (double) idle / halfLifeNanos;
        return Math.max(1, (long) (average * Math.pow(0.5, halvings)));
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
     * The current average, aged if no sample came for a while.
     *
     * @return nanoseconds, or 0 if nothing was recorded yet
     */
    public long value() {
        long average = value.get();
        return average == 0 ? 0 : aged(average, clock.getAsLong());
    }

    @Override
    public String toString() {
        return "LatencyEwma[" + value.get() + " ns]";
    }
}
