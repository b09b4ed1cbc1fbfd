package io.swivel.server.internal.metrics;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What the deploy and dispatch code report about their work. The call path asks for
 * {@link CallMeters} resolved when a generation loads, so recording a call is cheap and never
 * blocks; everything else happens at deploy time.
 *
 * <p>Implementations hold no static state and keep no reference to a generation after
 * {@link #generationUnloaded}, so they never pin a bundle's classloader.
 */
public interface ServerMetrics {

    /**
     * Measures nothing: for code paths and tests that have no registry.
     *
     * @return a no-op implementation
     */
    static ServerMetrics none() {
        return NoMetrics.INSTANCE;
    }

    /**
     * A generation was loaded and started (it may or may not be switched in): its meters are
     * created now, off the call path.
     *
     * @param generation the generation
     */
    void generationLoaded(BundleGeneration generation);

    /**
     * A generation was unloaded: its meters go (a version's call meters when its last
     * generation goes), so nothing keeps it reachable and cardinality stays bounded.
     * Idempotent.
     *
     * @param generation the generation
     */
    void generationUnloaded(BundleGeneration generation);

    /**
     * The meters of calls to one method of a loaded generation.
     *
     * @param generation the generation that will answer
     * @param invoker one of its methods
     * @return the meters; a no-op if the generation is not (or no longer) known
     */
    CallMeters method(BundleGeneration generation, Invoker invoker);

    /**
     * The meters of calls to a service of a generation that were refused before reaching a
     * method: no such method, or a version constraint that does not match. Counted with the
     * method label {@code unknown}.
     *
     * @param generation the generation serving the service
     * @param service the service name
     * @return the meters
     */
    CallMeters unknownMethod(BundleGeneration generation, String service);

    /**
     * The meters of calls to a service no bundle serves here: counted with the service and
     * method labels {@code unknown} and bundle and version {@code none} (client-chosen names
     * never become label values).
     *
     * @return the meters
     */
    CallMeters unknownService();

    /**
     * A call of a generation ended in a {@link VirtualMachineError} thrown by the bundle's code
     * (an {@link OutOfMemoryError}, a {@link StackOverflowError}, ...), while its method ran or
     * while its answer was encoded. Counted off the event loop only; never blocks.
     *
     * @param generation the generation the call ran on
     * @param error the JDK class of the error, e.g. {@code OutOfMemoryError}
     */
    void fatalError(BundleGeneration generation, String error);

    /**
     * A new version serves (a deploy, an upgrade, a restart with new configuration).
     *
     * @param bundle the bundle
     */
    void deployed(String bundle);

    /**
     * A version was not deployed; what served before still serves.
     *
     * @param bundle the bundle (from the jar's name if the jar could not be read)
     * @param cause a short cause such as {@code bad_jar}, {@code start_failed},
     *     {@code health_failed}, {@code conflict}
     */
    void deploymentFailed(String bundle, String cause);

    /**
     * A bundle was rolled back.
     *
     * @param bundle the bundle
     * @param cause who asked: {@code admin}, {@code probation} or {@code cluster}
     */
    void rolledBack(String bundle, String cause);

    /**
     * A version was switched in.
     *
     * @param bundle the bundle
     * @param nanos from the moment the jar (or the rollback) was handled until the new version served
     */
    void swapped(String bundle, long nanos);

    /**
     * A replaced version finished draining (or reached the drain timeout).
     *
     * @param bundle the bundle
     * @param nanos how long the drain took
     */
    void drained(String bundle, long nanos);

    /**
     * A request body was refused while its arguments were decoded (answered {@code BAD_REQUEST},
     * or {@code DEADLINE_EXCEEDED} for a deadline). Lock-free; called on the call path.
     *
     * @param limit which bound refused it: {@code declared_type}, {@code objects},
     *     {@code hash_collisions}, {@code deadline}
     */
    default void decodeRefused(String limit) {
    }

    /**
     * A call was dropped without an answer because its caller went away (during decode, or
     * before its method was invoked). Lock-free; called on the call path.
     *
     * @param reason why, such as {@code caller_gone}
     */
    default void callDropped(String reason) {
    }

    /**
     * The {@code swivel/1} transport refused a new connection or closed an open one because of a
     * limit ({@code GOAWAY} with the reason).
     *
     * @param reason {@code max_connections}, {@code max_connections_per_address}, {@code idle_timeout},
     *     {@code frame_timeout}, {@code partial_frame_memory} or {@code protocol_error}
     */
    default void connectionRefused(String reason) {
    }

    /**
     * The transport stopped reading a connection until it can take more.
     *
     * @param reason {@code write_buffer} (its answers are not read) or {@code in_flight} (too many calls running)
     */
    default void readsPaused(String reason) {
    }

    /**
     * The transport stopped accepting connections for a while.
     *
     * @param reason {@code max_sockets} (connections at the limit), {@code fd_reserve} (file descriptors
     *     close to the process limit) or {@code accept_error} (accept failed, e.g. EMFILE)
     */
    default void acceptPaused(String reason) {
    }

    /**
     * Publishes the transport's state as gauges.
     *
     * @param openConnections the connections served now
     * @param partialFrameBytes the bytes held for frames not yet decoded, all connections together
     */
    default void bindTransport(IntSupplier openConnections, LongSupplier partialFrameBytes) {
    }

    /**
     * A bundle did what a bundle may not: tried to stop the JVM ({@code exit_refused}), left a
     * thread running at unload ({@code thread_left}), or left {@code ThreadLocal} values on server
     * threads ({@code thread_local_cleared}). Counted as {@code swivel_bundle_violations_total}.
     *
     * @param bundle the bundle
     * @param kind one of the kinds above
     * @param count how many (threads, values, attempts)
     */
    default void bundleViolation(String bundle, String kind, long count) {
    }

    /**
     * A call the canary failed unexpectedly was run again on the stable version.
     *
     * @param bundle the bundle
     * @param version the canary's version
     */
    default void canaryRetried(String bundle, String version) {
    }

    /**
     * A copy of a live call sent to a shadow ended.
     *
     * @param bundle the bundle
     * @param version the shadow's version
     * @param outcome match, mismatch, error (the shadow failed) or dropped (its queue was full)
     */
    default void shadowCopy(String bundle, String version, String outcome) {
    }

    /**
     * The share of a bundle's calls a version takes now, in percent (100 for the only version
     * serving; a version that stops serving is told 0 and its gauge goes).
     *
     * @param bundle the bundle
     * @param version the version
     * @param percent 0 to 100
     */
    default void trafficWeight(String bundle, String version, int percent) {
    }

    /**
     * A canary analysis ended.
     *
     * @param bundle the bundle
     * @param outcome {@code passed}, {@code failed} or {@code waiting} (too few calls)
     */
    default void canaryAnalysis(String bundle, String outcome) {
    }
}
