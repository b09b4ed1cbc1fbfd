package io.swivel.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future a client interceptor of a blocking call gets from {@code next.proceed()}, and every
 * future derived from it: the caller's own thread completes it, through its
 * {@link ThreadlessExecutor}, once it waits for the call, after the interceptors returned. Waiting
 * on it on that thread before then ({@code join()}, {@code get()}) would never end, so it throws
 * an {@link IllegalStateException} that says so instead (as Netty's promises refuse to be awaited
 * on their own event loop). Any other thread may wait on it as on any future.
 *
 * @param <T> the result type
 */
final class CallerCompletedFuture<T> extends CompletableFuture<T> {

    private final Thread caller;

    CallerCompletedFuture(Thread caller) {
        this.caller = caller;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CallerCompletedFuture<>(caller);
    }

    @Override
    public T join() {
        refuseDeadlock();
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        refuseDeadlock();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        refuseDeadlock();
        return super.get(timeout, unit);
    }

    private void refuseDeadlock() {
        if (!isDone() && Thread.currentThread() == caller) {
            throw new IllegalStateException("waiting on the future of next.proceed() inside a client interceptor of a "
                    + "blocking call would never end: the caller's thread (" + caller.getName() + ") completes it only "
                    + "after the interceptors returned; compose on it (whenComplete, thenApply) instead");
        }
    }
}
