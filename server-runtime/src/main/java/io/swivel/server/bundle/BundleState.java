package io.swivel.server.bundle;

/** The lifecycle of one bundle version, as shown by {@code swivel status}. */
public enum BundleState {
    /** The jar is copied and about to load. */
    STAGED,
    /** Classes are loading, services instantiating, the activator starting. */
    STARTING,
    /** Serving calls. */
    ACTIVE,
    /** Replaced or undeployed: finishing calls already running, taking no new ones. */
    DRAINING,
    /**
     * Replaced, drained, and kept started during the successor's probation window, so that a
     * rollback to it is one switch. Takes no calls.
     */
    STANDBY,
    /** The activator has stopped and the executors are shut down. */
    STOPPED,
    /** The classloader is closed. */
    UNLOADED,
    /** Failed before serving; never served. */
    FAILED
}
