package io.swivel.server.internal.bundle;

import io.swivel.classloader.LeftoverThreads;
import io.swivel.classloader.ThreadLocalSweeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks, when a bundle version unloads, for what it left behind that keeps its classloader in
 * memory, and removes what can be removed: threads it started without its {@code BundleContext}
 * are named in the log and interrupted; the {@code ThreadLocal} values of its classes on the
 * server's own long-lived threads (the I/O threads, which run {@code Swivel-Dispatch: direct}
 * calls, and the thread that unloads it, which ran the activator's {@code stop}) are cleared,
 * each thread clearing its own (a task run on it), so nothing races with the thread's own use of
 * its map. The version's worker threads end with its pool and take their thread-locals with them.
 *
 * <p>What it found goes with the loader to the leak tracker, so {@code closedNotCollected} says
 * why a loader may stay reachable.
 */
public final class LeftoverHunt {

    private static final Logger log = LoggerFactory.getLogger(LeftoverHunt.class);

    /** What one hunt found and did. */
    public record Report(List<LeftoverThreads.Found> threads, int threadLocalsCleared, List<String> reasons) {
    }

    private final Supplier<? extends Collection<? extends Executor>> serverThreads;
    private final Duration wait;
    private final ThreadLocalSweeper sweeper = new ThreadLocalSweeper();

    /**
     * Creates a hunt.
     *
     * @param serverThreads the executors of the server's long-lived threads that may run bundle code
     *     (one task on each runs on its thread: a Netty event loop is one executor per thread)
     * @param wait how long threads may take to end after the interrupt, and sweeps to finish, each
     */
    public LeftoverHunt(Supplier<? extends Collection<? extends Executor>> serverThreads, Duration wait) {
        this.serverThreads = Objects.requireNonNull(serverThreads, "serverThreads");
        this.wait = Objects.requireNonNull(wait, "wait");
        if (!sweeper.available()) {
            log.warn("ThreadLocal values that unloaded bundles leave on server threads will not be cleared: {}",
                    sweeper.whyUnavailable());
        }
    }

    /**
     * Hunts for what a closed loader left behind.
     *
     * @param id the version, such as {@code greeter 1.0.0}, for the log
     * @param loader its loader, closed
     * @return what was found; its reasons are for the leak tracker
     */
    public Report hunt(String id, ClassLoader loader) {
        List<String> reasons = new ArrayList<>();
        int cleared = sweepServerThreads(id, loader, reasons) + sweeper.sweepCurrentThread(loader);
        if (cleared > 0) {
            log.warn("{}: cleared {} ThreadLocal value(s) of its classes left on server threads "
                    + "(call ThreadLocal.remove() when done, or the value pins the bundle)", id, cleared);
        }
        List<LeftoverThreads.Found> threads;
        try {
            threads = LeftoverThreads.interrupt(loader, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reasons.add("the hunt for its threads was interrupted");
            return new Report(List.of(), cleared, reasons);
        }
        for (LeftoverThreads.Found thread : threads) {
            log.warn("{}: {}; start threads through BundleContext.newExecutor/newScheduler, which stop on unload",
                    id, thread.describe());
            reasons.add(thread.describe());
        }
        return new Report(threads, cleared, reasons);
    }

    private int sweepServerThreads(String id, ClassLoader loader, List<String> reasons) {
        if (!sweeper.available()) {
            return 0;
        }
        List<CompletableFuture<Integer>> sweeps = new ArrayList<>();
        for (Executor executor : serverThreads.get()) {
            try {
                sweeps.add(CompletableFuture.supplyAsync(() -> sweeper.sweepCurrentThread(loader), executor));
            } catch (RejectedExecutionException shuttingDown) {
                // the thread is ending (the server closes): its thread-locals end with it
                log.debug("{}: no ThreadLocal sweep on a closing executor: {}", id, shuttingDown.toString());
            }
        }
        int cleared = 0;
        long deadline = System.nanoTime() + wait.toNanos();
        for (CompletableFuture<Integer> sweep : sweeps) {
            try {
                cleared += sweep.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                reasons.add("a server thread did not run the ThreadLocal sweep within " + wait.toMillis() + " ms");
            } catch (ExecutionException e) {
                log.warn("{}: a ThreadLocal sweep failed: {}", id, e.getCause().toString(), e.getCause());
                reasons.add("a ThreadLocal sweep failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reasons.add("the ThreadLocal sweep was interrupted");
                break;
            }
        }
        return cleared;
    }
}
