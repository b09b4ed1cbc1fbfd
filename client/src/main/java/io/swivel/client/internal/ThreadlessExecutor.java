package io.swivel.client.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An executor without a thread of its own, for one blocking call: what is given to it is queued and
 * run by the caller's thread while it waits for the call's future (as gRPC-java's blocking stubs
 * do), so a blocking call's interceptor callbacks and decoding never run on a network thread.
 */
final class ThreadlessExecutor implements Executor {

    private static final Runnable WAKE_UP = () -> { };

    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /**
     * Runs queued tasks on this thread until the future is done (then those already queued), or the
     * time is up.
     *
     * @throws TimeoutException if the future is not done in time
     * @throws InterruptedException if interrupted while waiting
     */
    void runUntilDone(CompletableFuture<?> future, long timeoutMillis) throws TimeoutException, InterruptedException {
        future.whenComplete((value, error) -> tasks.add(WAKE_UP)); // completed elsewhere: stop waiting
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!future.isDone()) {
            Runnable task = tasks.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (task == null) {
                throw new TimeoutException("no answer within " + timeoutMillis + " ms");
            }
            task.run();
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }
}
