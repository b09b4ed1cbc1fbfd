package io.swivel.server.leftover;

/** The service of a test bundle that leaves things behind for the unload to find. */
public interface Leaver {

    /**
     * Sets a {@code ThreadLocal} whose value is of the bundle's own class on the calling thread.
     *
     * @return the calling thread's name
     */
    String setThreadLocal();

    /**
     * Starts a thread of its own (not through {@code BundleContext}) that ends when interrupted.
     *
     * @param name its name
     * @return its name
     */
    String startThread(String name);
}
