package io.swivel.server.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.swivel.server.internal.bundle.BundleGeneration;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The meters of what happens to bundle versions rather than to calls: versions deployed or
 * failed, rollbacks by cause, how long a swap and a drain took, what bundles tried and may not do,
 * and the calls that ended in a fatal error of a bundle's code.
 */
final class LifecycleMeters {

    static final String DEPLOYMENTS = "swivel.deployments";
    static final String ROLLBACKS = "swivel.rollbacks";
    static final String SWAP_DURATION = "swivel.swap.duration";
    static final String DRAIN_DURATION = "swivel.drain.duration";
    static final String VIOLATIONS = "swivel.bundle.violations";
    static final String FATAL_ERRORS = "swivel.call.fatal.errors";

    private final MeterRegistry registry;

    LifecycleMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void fatalError(BundleGeneration generation, String error) {
        Counter.builder(FATAL_ERRORS)
                .description("Calls that ended in a VirtualMachineError of the bundle's code (OutOfMemoryError, "
                        + "StackOverflowError, ...), answered INTERNAL; the server went on serving")
                .tags("bundle", generation.name(), "version", generation.version(), "error", error)
                .register(registry)
                .increment();
    }

    void deployment(String bundle, String result, String cause) {
        Counter.builder(DEPLOYMENTS)
                .description("Versions handled: success (now serving) or failed (never served), with a short cause")
                .tags("bundle", bundle, "result", result, "cause", cause)
                .register(registry)
                .increment();
    }

    void violation(String bundle, String kind, long count) {
        Counter.builder(VIOLATIONS)
                .description("What bundles tried and may not do: exit_refused (System.exit, Runtime.exit/halt), "
                        + "thread_left (a thread still running at unload), thread_local_cleared (values left on server threads)")
                .tags("bundle", bundle, "kind", kind)
                .register(registry)
                .increment(count);
    }

    void rolledBack(String bundle, String cause) {
        Counter.builder(ROLLBACKS)
                .description("Rollbacks, by who asked: admin (API or CLI), probation (automatic), canary_analysis "
                        + "(automatic) or cluster")
                .tags("bundle", bundle, "cause", cause)
                .register(registry)
                .increment();
    }

    void swapped(String bundle, long nanos) {
        Timer.builder(SWAP_DURATION)
                .description("From a jar (or a rollback) being handled to the new version serving: load, start, "
                        + "health check and switch")
                .tags("bundle", bundle)
                .serviceLevelObjectives(ms(10), ms(50), ms(100), ms(300), ms(1000), ms(5000))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void drained(String bundle, long nanos) {
        Timer.builder(DRAIN_DURATION)
                .description("How long a replaced version took to finish its running calls (at most the drain timeout)")
                .tags("bundle", bundle)
                .serviceLevelObjectives(ms(10), ms(100), ms(1000), ms(5000), ms(30_000))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
