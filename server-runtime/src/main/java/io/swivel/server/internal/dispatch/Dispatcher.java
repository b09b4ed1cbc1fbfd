package io.swivel.server.internal.dispatch;

import io.swivel.api.CallContext;
import io.swivel.api.CallRefusedException;
import io.swivel.api.ServerInterceptor;
import io.swivel.protocol.Status;
import io.swivel.protocol.VersionConstraints;
import io.swivel.protocol.kryo.DecodeBudget;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;
import io.swivel.server.internal.health.ServerHealth;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Routes one call to the generation serving its service and runs it on that generation's
 * executor: counts it in flight, checks its deadline, decodes its arguments, invokes, and
 * delivers the outcome to the transport's {@link CallSink}. A call still running when its
 * generation must unload is answered {@code RELOADING} at once; its late outcome is dropped.
 * Every answer is counted once in {@link ServerMetrics}, with its wire status.
 *
 * <p>A bundle that declares {@code Swivel-Dispatch: direct} (its author promises that no
 * method blocks) has its calls run on the calling thread, the connection's I/O thread, with the
 * bundle's loader as context loader and its name in the logging context: no hand-off to a worker
 * and back. A direct call that takes longer than {@value CallRunner#SLOW_DIRECT_MILLIS} ms is reported once
 * per version, since every connection served by that thread waited for it.
 *
 * <p>Arguments are decoded against the method's declared parameter types under a
 * {@link DecodeBudget} of at most {@code maxDecodeObjects} objects and collection elements, which
 * also checks the call's deadline and whether its caller is still connected while it decodes;
 * both are checked again before invoking. A refused body is answered {@code BAD_REQUEST} with the
 * limit and its figures ({@code DEADLINE_EXCEEDED} for a deadline) and counted
 * ({@link ServerMetrics#decodeRefused}); a call whose caller went away is dropped unanswered and
 * counted ({@link ServerMetrics#callDropped}).
 *
 * <p>The method runs with the call's {@link CallContext} current on its thread (metadata, deadline,
 * caller, bundle version; removed in a {@code finally}), inside the server's interceptors and then
 * the generation's own ({@link InterceptorChain}; with none, the invoker is called directly). A
 * {@link CallRefusedException} from either, or from the method, is answered with its status and
 * message and does not count as a failure of the version.
 *
 * <p>A {@link VirtualMachineError} thrown by bundle code ({@link OutOfMemoryError},
 * {@link StackOverflowError}, ...) while a call runs or while its answer is encoded ends that call
 * only: it is answered {@code INTERNAL} with the error, counted, logged (rate-limited) and marks
 * the {@link ServerHealth} degraded for a while; the worker or I/O thread lives on and serves the
 * next call.
 *
 * <p>A bundle with a shadow ({@link BundleSlot#mirror()}) has the sink of each call chosen by its
 * {@link CallMirror} first: the caller's own, or one that hands the answer to the shadow after the
 * caller has it.
 *
 * <p>A call of a method that runs quick ({@link io.swivel.server.internal.bundle.CallPace})
 * may wait in the connection's {@link CallBatch} and go to the workers with the other quick calls
 * of the same read, as one task: one worker wake-up for them all.
 *
 * <p>This class routes (shadow, canary split and {@link StableFallback}, the lookup, the in-flight
 * count, the hand-off); {@link CallRunner} runs a call that a generation took, and
 * {@link TrackedCall} answers it once and counts the answer.
 */
public final class Dispatcher {

    private static final int MAX_LOOKUPS = 4;

    private final ServiceDirectory directory;
    private final ServerMetrics metrics;
    private final FatalErrors fatalErrors;
    private final CallRunner runner;

    /**
     * Creates a dispatcher that measures nothing.
     *
     * @param directory where services are found
     */
    public Dispatcher(ServiceDirectory directory) {
        this(directory, ServerMetrics.none());
    }

    /**
     * Creates a dispatcher.
     *
     * @param directory where services are found
     * @param metrics counts and times every answered call
     */
    public Dispatcher(ServiceDirectory directory, ServerMetrics metrics) {
        this(directory, metrics, ServerHealth.systemDefault(), Clock.systemUTC());
    }

    /**
     * Creates a dispatcher that reports fatal errors of calls to the server's health.
     *
     * @param directory where services are found
     * @param metrics counts and times every answered call, and counts fatal errors
     * @param health marked degraded by a fatal error in a call
     * @param clock the time that spaces out the log lines of repeated fatal errors
     */
    public Dispatcher(ServiceDirectory directory, ServerMetrics metrics, ServerHealth health, Clock clock) {
        this(directory, metrics, health, clock, DecodeBudget.DEFAULT_MAX_OBJECTS);
    }

    /**
     * Creates a dispatcher with a decode budget.
     *
     * @param directory where services are found
     * @param metrics counts and times every answered call, and counts fatal errors
     * @param health marked degraded by a fatal error in a call
     * @param clock the time that spaces out the log lines of repeated fatal errors
     * @param maxDecodeObjects objects and collection elements one request body may decode into
     *     ({@code --max-decode-objects})
     */
    public Dispatcher(ServiceDirectory directory, ServerMetrics metrics, ServerHealth health, Clock clock,
                      int maxDecodeObjects) {
        this(directory, metrics, health, clock, maxDecodeObjects, List.of());
    }

    /**
     * Creates a dispatcher with a decode budget and the server's own interceptors.
     *
     * @param directory where services are found
     * @param metrics counts and times every answered call, and counts fatal errors
     * @param health marked degraded by a fatal error in a call
     * @param clock the time that spaces out the log lines of repeated fatal errors
     * @param maxDecodeObjects objects and collection elements one request body may decode into
     * @param interceptors run around every call, outside the bundles' own, first one outermost
     */
    public Dispatcher(ServiceDirectory directory, ServerMetrics metrics, ServerHealth health, Clock clock,
                      int maxDecodeObjects, List<ServerInterceptor> interceptors) {
        InterceptorChain.warmUp();
        if (maxDecodeObjects < 16) {
            throw new IllegalArgumentException("maxDecodeObjects: " + maxDecodeObjects + " (expected: >= 16)");
        }
        this.directory = directory;
        this.metrics = metrics;
        this.fatalErrors = new FatalErrors(metrics, health, clock);
        this.runner = new CallRunner(metrics, maxDecodeObjects, List.copyOf(interceptors));
    }

    /**
     * Dispatches a call. Never blocks; runs service code on the calling thread only for a
     * bundle that declares {@code Swivel-Dispatch: direct}.
     *
     * @param service the service name
     * @param methodKey the method key
     * @param deadlineNanos the {@link System#nanoTime()} after which the call must not run, or 0
     * @param decoder decodes the arguments on the bundle's executor
     * @param callSink receives the outcome
     */
    public void dispatch(String service, String methodKey, long deadlineNanos, ArgsDecoder decoder, CallSink callSink) {
        dispatch(service, methodKey, "", deadlineNanos, decoder, callSink);
    }

    /**
     * Dispatches a call that accepts only some versions of the bundle.
     *
     * @param service the service name
     * @param methodKey the method key
     * @param versionConstraint "" for any version, an exact version, or a prefix ending in {@code *}
     * @param deadlineNanos the {@link System#nanoTime()} after which the call must not run, or 0
     * @param decoder decodes the arguments on the bundle's executor
     * @param callSink receives the outcome
     */
    public void dispatch(String service, String methodKey, String versionConstraint, long deadlineNanos,
                         ArgsDecoder decoder, CallSink callSink) {
        dispatch(service, methodKey, versionConstraint, deadlineNanos, decoder, callSink, null);
    }

    /**
     * Dispatches a call that may join the connection's {@link CallBatch}: a call of a method that
     * runs quick, for a bundle on the worker pool, waits there to be handed off with the others of
     * the read; the caller submits the batch when its read is complete.
     *
     * @param service the service name
     * @param methodKey the method key
     * @param versionConstraint "" for any version, an exact version, or a prefix ending in {@code *}
     * @param deadlineNanos the {@link System#nanoTime()} after which the call must not run, or 0
     * @param decoder decodes the arguments on the bundle's executor
     * @param callSink receives the outcome
     * @param batch the connection's batch, confined to the calling event loop, or null to hand the call off alone
     */
    public void dispatch(String service, String methodKey, String versionConstraint, long deadlineNanos,
                         ArgsDecoder decoder, CallSink callSink, CallBatch batch) {
        // Version selection: a bundle running a canary sends this call to one of its two versions.
        BundleSlot slot = directory.slotOf(service);
        CallMirror mirror = slot != null ? slot.mirror() : null;
        if (mirror != null) {
            callSink = mirror.tap(service, methodKey, decoder, callSink); // a shadow gets a copy of the answer given
        }
        CanarySplit split = slot != null ? slot.split() : null;
        BundleGeneration stable = slot != null ? slot.active() : null;
        if (split != null && stable != null
                && VersionChoice.choose(stable, split, versionConstraint, decoder) == split.canary()) {
            StableFallback fallback = new StableFallback(this, callSink, split.canary(), stable, service, methodKey,
                    versionConstraint, deadlineNanos, decoder, metrics);
            dispatchOn(split.canary(), service, methodKey, versionConstraint, deadlineNanos, decoder, fallback, null);
            return;
        }
        dispatchOn(null, service, methodKey, versionConstraint, deadlineNanos, decoder, callSink, batch);
    }

    /**
     * Runs a call on {@code pinned} if it takes it, else on the version serving the service.
     *
     * @param pinned the version chosen for the call (a canary), or null for the one serving
     * @param batch where a quick call waits for the rest of the read, or null
     */
    void dispatchOn(BundleGeneration pinned, String service, String methodKey, String versionConstraint,
                    long deadlineNanos, ArgsDecoder decoder, CallSink callSink, CallBatch batch) {
        TrackedCall sink = new TrackedCall(callSink, metrics.unknownService(), fatalErrors);
        BundleGeneration generation = null;
        Invoker invoker = null;
        // A swap may retire the generation between the lookup and the count; the slot then
        // already holds its successor, so look again (a bounded number of times).
        for (int attempt = 0; attempt < MAX_LOOKUPS; attempt++) {
            BundleGeneration found = attempt == 0 && pinned != null ? pinned : directory.find(service);
            if (found == null) {
                sink.fail(Status.NOT_FOUND, "no service " + service + " here; services: " + directory.serviceNames());
                return;
            }
            if (!VersionConstraints.matches(versionConstraint, found.version())) {
                sink.meters = metrics.unknownMethod(found, service);
                sink.fail(Status.NOT_FOUND, service + " is served by " + found.name() + " " + found.version()
                        + " here, which does not match the version asked for (" + versionConstraint + ")");
                return;
            }
            Invoker method = found.invoker(service, methodKey);
            if (method == null) {
                if (!found.serves(service)) {
                    continue; // the slot swapped to a version without this service; the directory catches up
                }
                sink.meters = metrics.unknownMethod(found, service);
                sink.fail(Status.NOT_FOUND, "no method " + methodKey + " in " + service + " " + found.version()
                        + "; methods: " + found.methodKeys(service));
                return;
            }
            sink.meters = metrics.method(found, method);
            sink.methodKey = methodKey;
            sink.service = service;
            sink.generation = found;
            if (found.tryAcquire(sink)) {
                generation = found;
                invoker = method;
                break;
            }
        }
        if (generation != pinned && callSink instanceof StableFallback fallback) {
            fallback.disarm(); // the canary did not take it: the version serving runs it, once
        }
        if (generation == null) {
            sink.fail(Status.RELOADING, service + " is being replaced; retry");
            return;
        }
        BundleGeneration target = generation;
        Invoker call = invoker;
        CallRunner runner = this.runner;
        if (target.descriptor().direct()) {
            if (batch != null) {
                batch.submit(); // the quick calls read before this one do not wait for it on this thread
            }
            runner.runDirect(target, call, deadlineNanos, decoder, sink);
            return;
        }
        if (batch != null && call.pace().quick() && batch.add(target, runner, call, deadlineNanos, decoder, sink)) {
            return;
        }
        try {
            target.executor().execute(() -> runner.run(target, call, deadlineNanos, decoder, sink));
        } catch (RejectedExecutionException e) {
            refused(target, sink);
        }
    }

    /** Answers a call that {@code target} took but whose workers refused it: unloading, or no room in the queue. */
    static void refused(BundleGeneration target, TrackedCall sink) {
        target.release(sink, false);
        if (target.executor().isShutdown()) {
            sink.fail(Status.RELOADING, target + " is unloading; retry");
        } else {
            sink.fail(Status.OVERLOADED, target + " has no free worker and its queue is full; retry later or elsewhere");
        }
    }
}
