package io.swivel.server.internal.dispatch;

import io.swivel.protocol.Status;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick calls of one connection's read, handed to their version's workers as one task
 * instead of one task each: one wake-up of a worker for the batch, not one per call. Only calls
 * of a method that {@link io.swivel.server.internal.bundle.CallPace runs quick} are added, so the
 * calls of a batch wait for each other little, and a method that blocks gets a worker per call
 * again after its first slow call; a batch that has run for a millisecond (a call turned slow) hands
 * the calls it has left to workers of their own. A batch takes one place in the version's queue.
 * A batch holds the calls of one version: a call for another version (a swap happened) sends the
 * batch first; a full batch ({@code --call-batch} calls) is sent at once,
 * and the transport sends the rest when the read is complete. A batch whose version's workers
 * refuse it answers each of its calls as a single refused call is answered.
 *
 * <p>Confined to the connection's event loop, which creates one per connection.
 */
public final class CallBatch {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** A batch that has run this long hands the calls it has left to workers of their own. */
    static final long SPREAD_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int maxCalls;
    private BundleGeneration target;
    private Queued[] calls;
    private int size;

    /** One call waiting in the batch: it is counted in flight on the batch's version. */
    private record Queued(CallRunner runner, Invoker invoker, long deadlineNanos, ArgsDecoder decoder, TrackedCall sink) {
    }

    /**
     * Creates an empty batch.
     *
     * @param maxCalls the most calls one worker task runs ({@code --call-batch}); 1 hands off every call alone
     */
    public CallBatch(int maxCalls) {
        if (maxCalls < 1) {
            throw new IllegalArgumentException("maxCalls: " + maxCalls + " (expected: >= 1)");
        }
        this.maxCalls = maxCalls;
    }

    /** @return whether no call waits in the batch */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Adds a call that {@code generation} took, unless batches are off.
     *
     * @return false if the caller must hand the call off alone
     */
    boolean add(BundleGeneration generation, CallRunner runner, Invoker invoker, long deadlineNanos,
                ArgsDecoder decoder, TrackedCall sink) {
        if (maxCalls == 1) {
            return false;
        }
        if (target != generation) {
            submit();
            target = generation;
        }
        if (calls == null) {
            calls = new Queued[maxCalls];
        }
        calls[size++] = new Queued(runner, invoker, deadlineNanos, decoder, sink);
        if (size == maxCalls) {
            submit();
        }
        return true;
    }

    /** Hands the calls waiting to their version's workers, as one task (or the call alone when it is one). */
    public void submit() {
        if (size == 0) {
            return;
        }
        BundleGeneration generation = target;
        Queued[] batch = calls;
        int count = size;
        calls = null;
        size = 0;
        target = null;
        try {
            if (count == 1) {
                Queued call = batch[0];
                generation.executor().execute(() -> run(generation, call));
            } else {
                generation.executor().execute(() -> runAll(generation, batch, count));
            }
        } catch (RejectedExecutionException e) {
            for (int i = 0; i < count; i++) {
                Dispatcher.refused(generation, batch[i].sink());
            }
        }
    }

    /**
     * Runs the calls in order. Once they have run {@link #SPREAD_AFTER_NANOS} (a call turned slow), or
     * when something escaped a call, the calls left get a worker each instead of waiting longer.
     */
    private static void runAll(BundleGeneration generation, Queued[] batch, int count) {
        long began = System.nanoTime();
        int next = 0;
        try {
            while (next < count) {
                Queued call = batch[next];
                batch[next++] = null; // a call that ran keeps nothing of its request reachable
                if (!generation.executor().isShutdown()) {
                    Thread.interrupted(); // an interrupt the last call left set is not the next call's (as between tasks)
                }
                run(generation, call);
                if (System.nanoTime() - began >= SPREAD_AFTER_NANOS) {
                    break;
                }
            }
        } finally {
            for (; next < count; next++) {
                handOffAlone(generation, batch[next]);
                batch[next] = null;
            }
        }
    }

    private static void handOffAlone(BundleGeneration generation, Queued call) {
        try {
            generation.executor().execute(() -> run(generation, call));
        } catch (RejectedExecutionException e) {
            Dispatcher.refused(generation, call.sink());
        }
    }

    private static void run(BundleGeneration generation, Queued call) {
        try {
            call.runner().run(generation, call.invoker(), call.deadlineNanos(), call.decoder(), call.sink());
        } catch (RuntimeException | LinkageError e) {
            // CallRunner answers every outcome itself; whatever still escapes must not cost the batch's other calls
            log.error("{}: the call of {} escaped its runner", generation, call.invoker().methodKey(), e);
            call.sink().fail(Status.INTERNAL, "server error in " + call.invoker().methodKey() + ": " + e);
        }
    }
}
