package io.swivel.server.dispatch;

import io.swivel.protocol.Status;
import io.swivel.server.bundle.BundleGeneration;

/**
 * Where the {@link Dispatcher} delivers the outcome of one call; implemented by each
 * transport (wire protocol, admin HTTP). Exactly one method is called, once.
 */
public interface CallSink {

    /**
     * The call returned.
     *
     * @param generation the generation that ran it (its serialization context encodes the result)
     * @param result what the method returned
     */
    void ok(BundleGeneration generation, Object result);

    /**
     * The service threw.
     *
     * @param error the exception
     */
    void appError(Throwable error);

    /**
     * The call did not run, or failed outside the service.
     *
     * @param status why
     * @param message what happened and what to do
     */
    void fail(Status status, String message);

    /**
     * Whether anyone still waits for the answer (the caller's connection is open); checked while
     * the arguments are decoded and before invoking, so work for a caller that went away is dropped.
     *
     * @return false once the caller is gone
     */
    default boolean callerPresent() {
        return true;
    }
}
