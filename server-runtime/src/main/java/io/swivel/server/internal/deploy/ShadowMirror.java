package io.swivel.server.internal.deploy;

import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.DecodeBudget;
import io.swivel.server.internal.Threads;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.InFlightCall;
import io.swivel.server.internal.bundle.Invoker;
import io.swivel.server.internal.dispatch.ArgsDecoder;
import io.swivel.server.internal.dispatch.CallMirror;
import io.swivel.server.internal.dispatch.CallSink;
import io.swivel.server.internal.logging.BundleMdc;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bundle's shadow: a version loaded and started beside the one serving, that serves no caller
 * and receives copies of a share ({@code percent}) of the live calls to methods that are
 * {@code @Idempotent} in both versions, and only those. A copy is made once the live call has
 * been answered, and runs on the shadow's own executor ({@code threads}, a queue of
 * {@code queue}): when it is full, the copy is dropped and counted, and the live call never
 * waits. The shadow's answer is compared with the live one: equal if both encode to the same
 * bytes, or are {@code equals}, or both threw the same exception class with the same message.
 */
final class ShadowMirror implements CallMirror {

    private static final Logger log = LoggerFactory.getLogger(ShadowMirror.class);
    /** The longest an asynchronous method of the shadow may take to complete its future. */
    static final long ASYNC_LIMIT_SECONDS = 30;

    private final BundleGeneration shadow;
    private final BundleGeneration liveAtStart;
    private final java.util.function.Supplier<BundleGeneration> live;
    private final int percent;
    private final int threads;
    private final int queue;
    private final ShadowReport report;
    private final ThreadPoolExecutor executor;

    /**
     * @param shadow the shadow version, {@code ACTIVE} but not routed
     * @param live the version serving now, read at every call
     * @param percent the share of idempotent calls copied, 1 to 100
     * @param threads the shadow's threads
     * @param queue the copies that may wait for a thread
     */
    ShadowMirror(BundleGeneration shadow, java.util.function.Supplier<BundleGeneration> live, int percent, int threads,
                 int queue, ShadowReport report) {
        this.shadow = shadow;
        this.live = live;
        this.liveAtStart = live.get();
        this.percent = percent;
        this.threads = threads;
        this.queue = queue;
        this.report = report;
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                Threads.daemon("swivel-shadow-" + shadow.name(), shadow.loader(),
                        task -> BundleMdc.wrap(shadow.name(), shadow.version(), task)),
                new ThreadPoolExecutor.AbortPolicy());
    }

    BundleGeneration shadow() {
        return shadow;
    }

    int percent() {
        return percent;
    }

    int threads() {
        return threads;
    }

    int queue() {
        return queue;
    }

    ShadowReport report() {
        return report;
    }

    /** The version serving when the shadow started (for the status line). */
    BundleGeneration liveAtStart() {
        return liveAtStart;
    }

    @Override
    public CallSink tap(String service, String methodKey, ArgsDecoder decoder, CallSink caller) {
        Invoker copy = shadow.invoker(service, methodKey);
        BundleGeneration serving = live.get();
        Invoker original = serving != null ? serving.invoker(service, methodKey) : null;
        if (copy == null || original == null || !copy.idempotent() || !original.idempotent()
                || (percent < 100 && ThreadLocalRandom.current().nextInt(100) >= percent)) {
            return caller;
        }
        return new Tap(caller, service, methodKey, decoder, copy);
    }

    /** No copy is taken any more; those waiting are dropped and counted. */
    void stop() {
        int waiting = executor.shutdownNow().size();
        for (int i = 0; i < waiting; i++) {
            report.dropped();
        }
    }

    /** Waits a little for the copies running to end (before the shadow drains). */
    void awaitStopped(long millis) {
        try {
            if (!executor.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                log.warn("{} {}: shadow copies still running {} ms after the shadow stopped; it drains them",
                        shadow.name(), shadow.version(), millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void offer(Copy copy) {
        report.copied();
        try {
            executor.execute(copy);
        } catch (RejectedExecutionException e) {
            report.dropped(); // the shadow is slower than the traffic (or stopping): this copy is not run
        }
    }

    /** The live call's sink: answers the caller first, then offers the answer as a copy. */
    private final class Tap implements CallSink {

        private final CallSink caller;
        private final String service;
        private final String methodKey;
        private final ArgsDecoder decoder;
        private final Invoker invoker;

        Tap(CallSink caller, String service, String methodKey, ArgsDecoder decoder, Invoker invoker) {
            this.caller = caller;
            this.service = service;
            this.methodKey = methodKey;
            this.decoder = decoder;
            this.invoker = invoker;
        }

        @Override
        public void ok(BundleGeneration generation, Object result) {
            caller.ok(generation, result);
            offer(new Copy(service, methodKey, decoder, invoker, generation, result, null));
        }

        @Override
        public void appError(Throwable error) {
            caller.appError(error);
            offer(new Copy(service, methodKey, decoder, invoker, null, null, error));
        }

        @Override
        public void fail(Status status, String message) {
            caller.fail(status, message); // the server could not answer: nothing to compare
        }

        @Override
        public void drop() {
            caller.drop();
        }

        @Override
        public boolean callerPresent() {
            return caller.callerPresent();
        }
    }

    /** One copy, run on the shadow's executor. */
    private final class Copy implements Runnable, InFlightCall {

        private final String method;
        private final ArgsDecoder decoder;
        private final Invoker invoker;
        private final BundleGeneration liveGeneration;
        private final Object liveResult;
        private final Throwable liveError;
        private final long startNanos = System.nanoTime();

        Copy(String service, String methodKey, ArgsDecoder decoder, Invoker invoker, BundleGeneration liveGeneration,
             Object liveResult, Throwable liveError) {
            this.method = service + "." + methodKey;
            this.decoder = decoder;
            this.invoker = invoker;
            this.liveGeneration = liveGeneration;
            this.liveResult = liveResult;
            this.liveError = liveError;
        }

        @Override
        public void run() {
            if (!shadow.tryAcquire(this)) {
                report.dropped(); // the shadow is stopping
                return;
            }
            boolean failed = false;
            try {
                failed = !compare();
            } finally {
                shadow.release(this, failed);
            }
        }

        /** Runs the copy and counts its outcome; false if the shadow failed. */
        private boolean compare() {
            Object[] args;
            try {
                args = decoder.decode(shadow, invoker, DecodeBudget.of(DecodeBudget.DEFAULT_MAX_OBJECTS, 0, () -> true));
            } catch (Exception | LinkageError e) {
                report.failed(method, "cannot decode the arguments: " + e);
                return false;
            }
            String wrong = invoker.checkArguments(args);
            if (wrong != null) {
                report.failed(method, wrong);
                return false;
            }
            String arguments = Arrays.deepToString(args);
            Object result = null;
            Throwable thrown = null;
            try {
                result = invoker.invoke(args);
                if (invoker.isAsync() && result instanceof CompletableFuture<?> future) {
                    result = future.get(ASYNC_LIMIT_SECONDS, TimeUnit.SECONDS);
                }
            } catch (ExecutionException e) {
                thrown = e.getCause() != null ? e.getCause() : e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                report.failed(method, "interrupted: the shadow stopped");
                return false;
            } catch (TimeoutException e) {
                report.failed(method, "its future did not complete within " + ASYNC_LIMIT_SECONDS + " s");
                return false;
            } catch (Throwable e) {
                thrown = e;
            }
            if (thrown != null && invoker.isUnexpected(thrown) && !sameError(liveError, thrown)) {
                if (thrown instanceof VirtualMachineError) {
                    log.error("{} {}: shadow copy of {} ended in a fatal error", shadow.name(), shadow.version(), method,
                            thrown);
                }
                report.failed(method, thrown.toString());
                return false;
            }
            String liveText = liveError != null ? liveError.toString() : String.valueOf(liveResult);
            String shadowText = thrown != null ? thrown.toString() : String.valueOf(result);
            if (thrown != null || liveError != null) {
                if (sameError(liveError, thrown)) {
                    report.matched();
                } else {
                    report.mismatched(method, arguments, liveText, shadowText);
                }
                return true;
            }
            if (equal(result)) {
                report.matched();
            } else {
                report.mismatched(method, arguments, liveText, shadowText);
            }
            return true;
        }

        /** Equal serialized form, or {@code equals}. */
        private boolean equal(Object result) {
            if (java.util.Objects.equals(liveResult, result)) {
                return true;
            }
            try {
                return Arrays.equals(liveGeneration.serialization().encode(liveResult),
                        shadow.serialization().encode(result));
            } catch (RuntimeException e) {
                log.debug("{}: the answers of {} cannot be encoded to compare them", shadow, method, e);
                return false;
            }
        }

        @Override
        public void abandon(String message) {
            // the shadow unloads under a running copy: nobody waits for its answer, the count tells
        }

        @Override
        public long startNanos() {
            return startNanos;
        }
    }

    private static boolean sameError(Throwable live, Throwable shadow) {
        return live != null && shadow != null && live.getClass().getName().equals(shadow.getClass().getName())
                && java.util.Objects.equals(live.getMessage(), shadow.getMessage());
    }
}
