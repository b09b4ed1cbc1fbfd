package io.swivel.server.internal.deploy;

import io.swivel.server.internal.Threads;
import io.swivel.server.internal.logging.BundleMdc;
import java.io.Closeable;
import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the canaries' analyses when they are due: a timer thread looks every
 * {@value #INTERVAL_MILLIS} ms, without taking any lock, for a lifecycle whose canary's analysis is
 * due, and hands it to the analysis thread, which takes that lifecycle's monitor (a deployment may
 * hold it) and runs {@link BundleLifecycle#canaryTick()}. Never runs bundle code.
 */
final class CanaryTimer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);
    static final long INTERVAL_MILLIS = 50;

    private final Clock clock;
    private final Supplier<Collection<BundleLifecycle>> lifecycles;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("swivel-canary"));
    private final ExecutorService analyses = Executors.newSingleThreadExecutor(Threads.daemon("swivel-canary-analysis"));
    private final AtomicBoolean queued = new AtomicBoolean();

    CanaryTimer(Clock clock, Supplier<Collection<BundleLifecycle>> lifecycles) {
        this.clock = clock;
        this.lifecycles = lifecycles;
        timer.scheduleWithFixedDelay(this::look, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void look() {
        boolean due = false;
        for (BundleLifecycle lifecycle : lifecycles.get()) {
            Rollout rollout = lifecycle.rollout();
            if (rollout != null && rollout.due(clock.instant())) {
                due = true;
                break;
            }
        }
        if (!due || !queued.compareAndSet(false, true)) {
            return; // nothing due, or an analysis round is queued already and will see it
        }
        try {
            analyses.execute(this::analyse);
        } catch (RejectedExecutionException closing) {
            queued.set(false);
        }
    }

    private void analyse() {
        queued.set(false);
        for (BundleLifecycle lifecycle : lifecycles.get()) {
            Rollout rollout = lifecycle.rollout();
            if (rollout == null || !rollout.due(clock.instant())) {
                continue;
            }
            try (BundleMdc.Scope mdc = BundleMdc.open(lifecycle.name(), "")) {
                lifecycle.canaryTick();
            } catch (RuntimeException e) {
                log.error("{}: the canary analysis failed; it runs again at the next step", lifecycle.name(), e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        analyses.shutdownNow();
    }
}
