package io.swivel.server.internal.dispatch;

import io.swivel.protocol.Status;
import io.swivel.protocol.VersionConstraints;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;
import io.swivel.server.internal.metrics.ServerMetrics;

/**
 * The sink of a call sent to a canary. A call to an {@code @Idempotent} method that the canary
 * answers with an unexpected failure (an exception its method does not declare, {@code INTERNAL},
 * or {@code RELOADING}/{@code OVERLOADED} from a canary going away or full) is run again, once, on
 * the version serving the bundle, and the caller gets that answer; the canary's failure was
 * already counted against it. Any other answer, and every answer of a method that is not
 * idempotent, goes to the caller as it is.
 */
final class StableFallback implements CallSink {

    private final Dispatcher dispatcher;
    private final CallSink caller;
    private final BundleGeneration canary;
    private final String service;
    private final String methodKey;
    private final String versionConstraint;
    private final long deadlineNanos;
    private final ArgsDecoder decoder;
    private final ServerMetrics metrics;
    private final Invoker invoker;
    /** False once the call ran (or is running) elsewhere than on the canary: nothing is run twice. */
    private volatile boolean armed;

    StableFallback(Dispatcher dispatcher, CallSink caller, BundleGeneration canary, BundleGeneration stable,
                   String service, String methodKey, String versionConstraint, long deadlineNanos,
                   ArgsDecoder decoder, ServerMetrics metrics) {
        this.dispatcher = dispatcher;
        this.caller = caller;
        this.canary = canary;
        this.service = service;
        this.methodKey = methodKey;
        this.versionConstraint = versionConstraint;
        this.deadlineNanos = deadlineNanos;
        this.decoder = decoder;
        this.metrics = metrics;
        this.invoker = canary.invoker(service, methodKey);
        this.armed = invoker != null && invoker.idempotent() && stable.invoker(service, methodKey) != null
                && VersionConstraints.matches(versionConstraint, stable.version());
    }

    void disarm() {
        armed = false;
    }

    @Override
    public void ok(BundleGeneration generation, Object result) {
        caller.ok(generation, result);
    }

    @Override
    public void appError(Throwable error) {
        if (armed && invoker.isUnexpected(error)) {
            runOnStable();
        } else {
            caller.appError(error);
        }
    }

    @Override
    public void fail(Status status, String message) {
        if (armed && (status == Status.INTERNAL || status == Status.RELOADING || status == Status.OVERLOADED)) {
            runOnStable();
        } else {
            caller.fail(status, message);
        }
    }

    private void runOnStable() {
        armed = false;
        metrics.canaryRetried(canary.name(), canary.version());
        dispatcher.dispatchOn(null, service, methodKey, versionConstraint, deadlineNanos, decoder, caller, null);
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
