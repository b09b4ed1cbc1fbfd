package io.swivel.server.internal.deploy;

import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A bundle version's worker pool: at most {@code threads} workers over a {@link WarmWorkerQueue}
 * of {@code queueCapacity} calls, each call handed to the worker that went idle last. A worker
 * idle for {@value #KEEP_ALIVE_SECONDS} s ends. A call that finds a worker waiting goes to it even
 * while the pool has fewer than {@code threads} workers: a plain {@link ThreadPoolExecutor} starts a
 * new thread for every task until it has its core size, whether or not one waits, so the workers
 * that timed out for want of calls were started again, one per call, about once a minute under
 * steady load. A new worker is started only when no worker waits as the call arrives.
 */
final class WarmWorkerPool extends ThreadPoolExecutor {

    static final long KEEP_ALIVE_SECONDS = 60;

    private final WarmWorkerQueue queue;

    /**
     * @param threads the most workers
     * @param queueCapacity the most calls that wait for a worker; more are refused
     * @param threadFactory makes the workers
     */
    WarmWorkerPool(int threads, int queueCapacity, ThreadFactory threadFactory) {
        this(threads, new WarmWorkerQueue(queueCapacity), threadFactory);
    }

    private WarmWorkerPool(int threads, WarmWorkerQueue queue, ThreadFactory threadFactory) {
        super(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, queue, threadFactory);
        this.queue = queue;
        allowCoreThreadTimeOut(true);
    }

    /**
     * Runs the task on a waiting worker, or as {@link ThreadPoolExecutor#execute} does. A task handed
     * to a worker before the pool shut down runs, as one queued then would; after, the pool refuses it.
     */
    @Override
    public void execute(Runnable task) {
        if (queue.handToWaiting(task)) {
            return;
        }
        super.execute(task);
    }

    @Override
    public void shutdown() {
        queue.closeHandOffs();
        super.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        queue.closeHandOffs();
        return super.shutdownNow();
    }

    /** @return how many workers wait for a call (tests) */
    int waitingWorkers() {
        return queue.waiting();
    }
}
