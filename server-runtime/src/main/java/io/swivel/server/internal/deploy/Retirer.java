package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;
import io.swivel.server.internal.Threads;
import io.swivel.server.internal.logging.BundleMdc;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one drain-and-retire path of versions that no longer take calls, used by swaps,
 * rollbacks, probation, undeploy and shutdown: wait for the calls already running (up to the
 * drain timeout, then answer the rest {@code RELOADING}), tell the listeners, unload. Drains
 * run on {@code swivel-drain-*} threads, never under a lifecycle's lock.
 */
final class Retirer implements Closeable {

    /** The deploy path's lines share one logger, as they always have. */
    private static final Logger log = LoggerFactory.getLogger(Deployer.class);
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration UNLOAD_GRACE = Duration.ofSeconds(1);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    /** How unloading is done: the bundle loader, or a fake in tests. */
    interface Unloader {
        /**
         * Unloads a version.
         *
         * @return what it left behind that may keep its classloader in memory (threads left
         *     running, thread-local values cleared); empty if nothing
         */
        List<String> unload(BundleGeneration generation, Duration grace);
    }

    /**
     * How one drain went.
     *
     * @param summary what replaced the version, for the log line, or null
     * @param finished calls that finished during the drain
     * @param abandoned calls answered {@code RELOADING} at the drain timeout
     * @param nanos how long it took
     * @param standbyFor how long the version stays standby, or null if it unloads now
     */
    record Drain(String summary, int finished, int abandoned, long nanos, Duration standbyFor) {
    }

    private final Unloader unloader;
    private final Duration drainTimeout;
    private final LifecycleListener listener;
    private final ExecutorService drainer;

    Retirer(Unloader unloader, Duration drainTimeout, LifecycleListener listener) {
        this(unloader, drainTimeout, listener, Executors.newCachedThreadPool(Threads.daemon("swivel-drain")));
    }

    /** With the drain threads given: tests hold a drain back to race it. */
    Retirer(Unloader unloader, Duration drainTimeout, LifecycleListener listener, ExecutorService drainer) {
        this.unloader = unloader;
        this.drainTimeout = drainTimeout;
        this.listener = listener;
        this.drainer = drainer;
    }

    /**
     * Drains a version that takes no calls any more ({@code DRAINING} or {@code STANDBY}) and
     * unloads it, on a drain thread.
     *
     * @param old the version
     * @param summary the log line's beginning, or null for no line but the unload
     */
    void retire(BundleGeneration old, String summary) {
        int running = old.inFlight();
        CompletableFuture<Void> drained = old.drained();
        execute(old, () -> {
            listener.drained(old, drain(old, drained, summary, running, null));
            unload(old, UNLOAD_GRACE);
        });
    }

    /**
     * Drains a replaced version that stays standby, then runs {@code drained} (which moves it to
     * STANDBY if it is still the standby); on a drain thread.
     *
     * @param old the version, DRAINING
     * @param summary the log line's beginning
     * @param standbyFor the probation window
     * @param drained run after the drain, before the listeners hear of it
     */
    void drainToStandby(BundleGeneration old, String summary, Duration standbyFor, Runnable drained) {
        int running = old.inFlight();
        CompletableFuture<Void> drainedFuture = old.drained();
        execute(old, () -> {
            Drain drain = drain(old, drainedFuture, summary, running, standbyFor);
            drained.run();
            listener.drained(old, drain);
        });
    }

    /** Unloads a version that never served ({@code FAILED}) or must go at once. */
    void discard(BundleGeneration generation) {
        unload(generation, Duration.ZERO);
    }

    /**
     * Shutdown, first half: waits for every version given to finish its running calls, within
     * one drain timeout in all, and answers the calls still running then {@code RELOADING}.
     *
     * @param generations versions that take no calls any more
     * @return the calls that were running when the drain began
     */
    int drainAll(List<BundleGeneration> generations) {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        int running = 0;
        for (BundleGeneration generation : generations) {
            running += generation.inFlight();
        }
        for (BundleGeneration generation : generations) {
            try {
                generation.drained().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                int abandoned = generation.abandonRunning("the server is shutting down; retry elsewhere");
                log.warn("{}: {} call(s) still running at shutdown were answered RELOADING", generation, abandoned);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                throw new IllegalStateException("a drain cannot fail", e);
            }
        }
        return running;
    }

    /**
     * Shutdown, second half: unloads the versions drained by {@link #drainAll}.
     *
     * @param generations the versions
     */
    void unloadAll(List<BundleGeneration> generations) {
        for (BundleGeneration generation : generations) {
            unload(generation, Thread.currentThread().isInterrupted() ? Duration.ZERO : SHUTDOWN_GRACE);
        }
    }

    private void unload(BundleGeneration generation, Duration grace) {
        List<String> leftBehind = unloader.unload(generation, grace);
        if (generation.state() == BundleState.UNLOADED) {
            listener.unloaded(generation);
        }
        if (!leftBehind.isEmpty()) {
            listener.leakReported(generation, leftBehind);
        }
    }

    /**
     * Waits for the running calls up to the drain timeout; answers the rest RELOADING. The drain's
     * future is the one taken when the drain was asked for: a rollback that reactivates the version
     * before this runs completes that future and starts a new one, which belongs to the serving
     * version and must not be waited for here.
     */
    private Drain drain(BundleGeneration old, CompletableFuture<Void> drained, String summary, int running,
            Duration standbyFor) {
        long start = System.nanoTime();
        long deadline = start + drainTimeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    drained.get(Math.max(0, Math.min(left, PROGRESS_EVERY_NANOS)), TimeUnit.NANOSECONDS);
                    return new Drain(summary, running, 0, System.nanoTime() - start, standbyFor);
                } catch (TimeoutException e) {
                    if (deadline - System.nanoTime() <= 0) {
                        throw e;
                    }
                    log.info("{} {} draining: {} call(s) still running, {} s left of the drain timeout", old.name(),
                            old.version(), old.inFlight(), TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
                }
            }
        } catch (TimeoutException e) {
            if (old.state() == BundleState.ACTIVE) {
                log.info("{} {} serves again (rolled back to): its running calls are left to finish", old.name(),
                        old.version());
                return new Drain(summary, running - old.inFlight(), 0, System.nanoTime() - start, standbyFor);
            }
            int abandoned = old.abandonRunning(old.name() + " " + old.version() + " was replaced and did not finish "
                    + "this call within the drain timeout of " + drainTimeout.toMillis() + " ms; retry");
            log.warn("{} {}: {} call(s) still running after the drain timeout of {} ms were answered RELOADING",
                    old.name(), old.version(), abandoned, drainTimeout.toMillis());
            return new Drain(summary, running - abandoned, abandoned, System.nanoTime() - start, standbyFor);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Drain(summary, running - old.inFlight(), 0, System.nanoTime() - start, standbyFor);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a drain cannot fail", e);
        }
    }

    private void execute(BundleGeneration old, Runnable task) {
        try {
            drainer.execute(BundleMdc.wrap(old.name(), old.version(), task));
        } catch (RejectedExecutionException closing) {
            unload(old, Duration.ZERO);
        }
    }

    /** Waits briefly for the drains in progress, then stops the drain threads. */
    @Override
    public void close() {
        drainer.shutdown();
        try {
            if (!drainer.awaitTermination(drainTimeout.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                drainer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drainer.shutdownNow();
        }
    }
}
