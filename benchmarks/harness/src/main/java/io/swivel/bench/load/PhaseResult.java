package io.swivel.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one phase of load measured. Latencies are in microseconds, from just before a call was
 * made to when its answer was in the caller's hands (closed loop: no coordinated-omission
 * correction).
 *
 * @param peer the peer
 * @param mode sync or async
 * @param op the operation
 * @param phase the phase name
 * @param concurrency threads (sync) or calls outstanding (async)
 * @param seconds how long the phase lasted
 * @param ops calls answered
 * @param errors calls that failed
 * @param firstError the first failure, or null
 * @param p50 median latency
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max the slowest call
 * @param clientCpuSeconds the CPU time the load generator's process used during the phase
 * @param serverCpuSeconds the CPU time the server's process used during the phase, 0 if not measured
 */
public record PhaseResult(String peer, String mode, String op, String phase, int concurrency, double seconds,
                          long ops, long errors, String firstError, double p50, double p90, double p99, double p999,
                          double max, double clientCpuSeconds, double serverCpuSeconds) {

    /**
     * Summarises a histogram of nanoseconds.
     *
     * @param peer the peer
     * @param mode the mode
     * @param op the operation
     * @param phase the phase
     * @param concurrency threads or outstanding calls
     * @param seconds the phase's length
     * @param histogram latencies in nanoseconds
     * @param errors failed calls
     * @param firstError the first failure, or null
     * @return the result
     */
    public static PhaseResult of(String peer, String mode, String op, String phase, int concurrency, double seconds,
                                 Histogram histogram, long errors, String firstError, double clientCpuSeconds) {
        return new PhaseResult(peer, mode, op, phase, concurrency, seconds, histogram.getTotalCount(), errors, firstError,
                micros(histogram, 50), micros(histogram, 90), micros(histogram, 99), micros(histogram, 99.9),
                histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue() / 1000.0, clientCpuSeconds, 0);
    }

    /**
     * @param cpuSeconds the CPU time the server process used during this phase
     * @return a copy that carries it
     */
    public PhaseResult withServerCpu(double cpuSeconds) {
        return new PhaseResult(peer, mode, op, phase, concurrency, seconds, ops, errors, firstError, p50, p90, p99, p999,
                max, clientCpuSeconds, cpuSeconds);
    }

    /** @return the load generator's CPU time per call in microseconds, 0 if not known */
    public double clientCpuMicrosPerCall() {
        return ops > 0 ? clientCpuSeconds * 1e6 / ops : 0;
    }

    /** @return the server's CPU time per call in microseconds, 0 if not known */
    public double serverCpuMicrosPerCall() {
        return ops > 0 ? serverCpuSeconds * 1e6 / ops : 0;
    }

    private static double micros(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** @return calls answered per second */
    public double opsPerSecond() {
        return seconds > 0 ? ops / seconds : 0;
    }
}
