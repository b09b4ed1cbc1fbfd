package io.swivel.server.internal.announce;

/**
 * Hears a server start and stop, so that what announces the server (ZooKeeper registration,
 * cluster commands) lives beside the server instead of inside it, as Armeria's
 * {@code ServerListener} does. Callbacks run on the thread that starts or closes the server.
 * A listener sees the server only as a {@link RunningServer}, so this package does not depend on
 * the server class that creates it.
 */
public interface ServerListener {

    /**
     * Before anything deploys: connect to what the server will announce itself to. What this
     * throws fails the start.
     *
     * @param server the server
     */
    default void serverStarting(RunningServer server) {
    }

    /**
     * The bundles present at start serve and both ports are bound.
     *
     * @param server the server, with its addresses
     */
    default void serverStarted(RunningServer server) {
    }

    /**
     * The first step of closing, before clients are told to go elsewhere and the calls drain:
     * stop announcing the server. Also called when a start failed, so it must cope with a
     * {@link #serverStarting} that did not run or did not finish.
     *
     * @param server the server
     */
    default void serverStopping(RunningServer server) {
    }

    /**
     * The last step of closing: every bundle is unloaded.
     *
     * @param server the server
     */
    default void serverStopped(RunningServer server) {
    }
}
