package io.swivel.server.internal.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.swivel.protocol.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one method of one bundle version: the counters by status of
 * {@link CountOnlyMeters} and the latency histogram {@value PrometheusServerMetrics#CALL_DURATION},
 * registered on its first use like them, with the buckets {@link #CALL_BUCKETS}.
 */
final class MethodMeters extends CountOnlyMeters {

    /**
     * The buckets of {@code swivel_call_duration_seconds}: from a loopback call (about 100 µs) to
     * the longest deadline worth waiting for, 18 with {@code +Inf}, instead of the 70 or so of a
     * percentile histogram over the same range: enough for {@code histogram_quantile} and for SLOs
     * at 1, 5, 10, 50, 100, 500 ms and 1 s, and a tenth of the lines per method.
     */
    static final Duration[] CALL_BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        ms(1), Duration.ofNanos(2_500_000), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000),
        ms(2500), ms(5000), ms(10_000), ms(30_000)};

    private volatile Timer duration;

    MethodMeters(MeterRegistry registry, String service, String method, String bundle, String version) {
        super(registry, service, method, bundle, version);
    }

    @Override
    public void answered(Status status, long startNanos) {
        refused(status);
        Timer timer = duration;
        if (timer != null || (timer = timer()) != null) {
            timer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized Timer timer() {
        if (duration == null && !closed) {
            duration = Timer.builder(PrometheusServerMetrics.CALL_DURATION)
                    .description("From a call's arrival to its answer, for calls that reached a bundle's method")
                    .tags("service", service, "method", method, "bundle", bundle, "version", version)
                    .serviceLevelObjectives(CALL_BUCKETS)
                    .distributionStatisticExpiry(Duration.ofMinutes(1))
                    .distributionStatisticBufferLength(3)
                    .register(registry);
        }
        return duration;
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
