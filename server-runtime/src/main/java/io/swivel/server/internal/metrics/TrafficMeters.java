package io.swivel.server.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of traffic split between two versions of a bundle: the weight of each version in a
 * canary ({@value #WEIGHT}, present only while a canary runs), the canary analyses by outcome and
 * the canary's failures run again on the stable version, and the copies of calls sent to a shadow
 * by outcome.
 */
final class TrafficMeters {

    static final String WEIGHT = "swivel.traffic.weight.percent";
    static final String ANALYSES = "swivel.canary.analyses";
    static final String RETRIED = "swivel.canary.retried.on.stable";
    static final String SHADOW = "swivel.shadow.copies";

    private final MeterRegistry registry;
    /** Guarded by itself: the weight gauges by (bundle, version). */
    private final Map<List<String>, AtomicInteger> weights = new ConcurrentHashMap<>();

    TrafficMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void weight(String bundle, String version, int percent) {
        List<String> key = List.of(bundle, version);
        synchronized (weights) {
            if (percent <= 0 || percent >= 100) {
                AtomicInteger gone = weights.remove(key);
                if (gone != null) {
                    registry.find(WEIGHT).tags("bundle", bundle, "version", version).meters().forEach(registry::remove);
                }
                return; // a version that serves all calls, or none, needs no weight: only a split shows one
            }
            weights.computeIfAbsent(key, k -> {
                AtomicInteger value = new AtomicInteger();
                Gauge.builder(WEIGHT, value, AtomicInteger::get)
                        .description("The share of a bundle's calls a version takes while a canary runs, in percent")
                        .tags("bundle", bundle, "version", version)
                        .register(registry);
                return value;
            }).set(percent);
        }
    }

    void analysis(String bundle, String outcome) {
        Counter.builder(ANALYSES)
                .description("Canary analyses, by outcome: passed (the canary widens or is promoted), failed (rolled back), "
                        + "waiting (too few canary calls to judge; the step is held)")
                .tags("bundle", bundle, "outcome", outcome)
                .register(registry)
                .increment();
    }

    void retried(String bundle, String version) {
        Counter.builder(RETRIED)
                .description("Calls to @Idempotent methods that a canary failed unexpectedly and the stable version ran again")
                .tags("bundle", bundle, "version", version)
                .register(registry)
                .increment();
    }

    void shadow(String bundle, String version, String outcome) {
        Counter.builder(SHADOW)
                .description("Copies of live calls to @Idempotent methods sent to a shadow, by outcome: match, mismatch, "
                        + "error (the shadow failed), dropped (its queue was full)")
                .tags("bundle", bundle, "version", version, "outcome", outcome)
                .register(registry)
                .increment();
    }
}
