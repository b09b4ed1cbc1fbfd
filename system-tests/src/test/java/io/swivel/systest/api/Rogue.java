package io.swivel.systest.api;

/** The service of the bundle the bundle-attack tests deploy: each method does what a bundle may not. */
public interface Rogue {

    /**
     * Calls {@code System.exit(status)}.
     *
     * @param status the exit status asked for
     * @return never, if the call is refused
     */
    String exit(int status);

    /**
     * Calls {@code Runtime.getRuntime().halt(status)}.
     *
     * @param status the status asked for
     * @return never, if the call is refused
     */
    String halt(int status);

    /**
     * Starts a thread of its own (not through {@code BundleContext}) that ignores interrupts.
     *
     * @param name the thread's name
     * @return the name
     */
    String startThread(String name);
}
