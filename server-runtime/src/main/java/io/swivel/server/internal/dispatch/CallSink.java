package io.swivel.server.internal.dispatch;

import io.swivel.protocol.Status;
import io.swivel.server.internal.bundle.BundleGeneration;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;

/**
 * Where the {@link Dispatcher} delivers the outcome of one call; implemented by each
 * transport (wire protocol, admin HTTP). One of {@link #ok}, {@link #appError}, {@link #fail} or
 * {@link #drop} is called, once; only if {@code ok} or {@code appError} throws (the answer could
 * not be encoded or written) may {@code fail} follow it, so a transport that releases a per-call
 * resource when answering must release it once only.
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
     * Nobody waits for the answer (the caller went away): the call is settled without one, and
     * whatever the transport holds for it is released.
     */
    default void drop() {
    }

    /**
     * Whether anyone still waits for the answer (the caller's connection is open); checked while
     * the arguments are decoded and before invoking, so work for a caller that went away is dropped.
     *
     * @return false once the caller is gone
     */
    default boolean callerPresent() {
        return true;
    }

    /**
     * The metadata the caller sent with the call.
     *
     * @return the entries (unmodifiable), empty by default
     */
    default Map<String, String> metadata() {
        return Map.of();
    }

    /**
     * The caller's address.
     *
     * @return the address, or null when the call did not come over the network
     */
    default InetSocketAddress remoteAddress() {
        return null;
    }

    /**
     * The identity the caller proved with a TLS client certificate.
     *
     * @return the certificate's subject, or null
     */
    default Principal peerPrincipal() {
        return null;
    }
}
