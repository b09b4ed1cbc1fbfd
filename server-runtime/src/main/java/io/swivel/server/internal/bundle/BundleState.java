package io.swivel.server.internal.bundle;

/**
 * The lifecycle state of one bundle version, as {@code swivel status} shows it; it moves only
 * through the transition methods of {@link BundleGeneration}.
 *
 * <ul>
 *   <li>{@code activate}: STARTING → ACTIVE (it serves next);</li>
 *   <li>{@code fail}: STARTING or ACTIVE → FAILED (the switch to it was refused);</li>
 *   <li>{@code startDraining}: ACTIVE → DRAINING (replaced, undeployed, shutting down);</li>
 *   <li>{@code standBy}: DRAINING → STANDBY (drained, kept for its successor's probation);</li>
 *   <li>{@code reactivate}: DRAINING or STANDBY → ACTIVE (a rollback to it);</li>
 *   <li>{@code stop}: DRAINING, STANDBY or FAILED → STOPPED (unloading begins);</li>
 *   <li>{@code unloaded}: STOPPED → UNLOADED.</li>
 * </ul>
 */
public enum BundleState {
    /** Built and started (activator, health check) by the loader; not serving yet. */
    STARTING,
    /** Serving calls. */
    ACTIVE,
    /** Replaced, undeployed or shutting down: finishing calls already running, taking no new ones. */
    DRAINING,
    /**
     * Replaced, drained, and kept started during the successor's probation window, so that a
     * rollback to it is one switch. Takes no calls.
     */
    STANDBY,
    /** Started but could not take over (another bundle serves one of its services); never served. */
    FAILED,
    /** Taking no calls; its activator is stopping and its executors shutting down. */
    STOPPED,
    /** The classloader is closed. */
    UNLOADED
}
