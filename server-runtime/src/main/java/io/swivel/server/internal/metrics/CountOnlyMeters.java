package io.swivel.server.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.swivel.protocol.Status;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The answers of calls, counted by wire status in {@value PrometheusServerMetrics#CALLS} through
 * counters registered on their first use (none at all for a status never answered). On its own it
 * counts calls that never reach a method (an unknown service or method); {@link MethodMeters}
 * adds the latency of those that do. Once {@link #close closed} (its generation unloaded, the
 * version's series about to go) it registers nothing more, so a late call cannot bring back a
 * series nobody removes.
 */
class CountOnlyMeters implements CallMeters {

    private static final Status[] STATUSES = Status.values();

    final MeterRegistry registry;
    final String service;
    final String method;
    final String bundle;
    final String version;
    private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(STATUSES.length);
    /** Guarded by this. */
    boolean closed;

    CountOnlyMeters(MeterRegistry registry, String service, String method, String bundle, String version) {
        this.registry = registry;
        this.service = service;
        this.method = method;
        this.bundle = bundle;
        this.version = version;
    }

    @Override
    public final void refused(Status status) {
        Counter counter = byStatus.get(status.ordinal());
        if (counter != null || (counter = counter(status)) != null) {
            counter.increment();
        }
    }

    @Override
    public void answered(Status status, long startNanos) {
        refused(status);
    }

    private synchronized Counter counter(Status status) {
        Counter counter = byStatus.get(status.ordinal());
        if (counter == null && !closed) { // closed: a late call of an unloaded generation, not counted
            counter = Counter.builder(PrometheusServerMetrics.CALLS)
                    .description("Answered calls, by wire status")
                    .tags(Tags.of("service", service, "method", method, "bundle", bundle, "version", version,
                            "status", status.name()))
                    .register(registry);
            byStatus.set(status.ordinal(), counter);
        }
        return counter;
    }

    final synchronized void close() {
        closed = true;
    }
}
