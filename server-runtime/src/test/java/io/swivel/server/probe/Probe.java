package io.swivel.server.probe;

/** The service of the test bundles that {@link ProbeBundles} builds. */
public interface Probe {

    /** @return the bundle version; throws if the bundle was built to fail its calls */
    String version();

    /** @return an id of the running generation, new at each start */
    String generationId();

    /**
     * Works for a while, then answers.
     *
     * @param millis how long
     * @return the version
     */
    String hold(long millis);

    /**
     * @param key a configuration key
     * @return its value now, or null
     */
    String config(String key);

    /** @return the name of the thread that ran this call, "|", and whether its context loader is the bundle's */
    String thread();

    /** @return the version and the size of a buffer kept in a thread-local of the call thread */
    String threadLocal();

    /** @return the ticks of the bundle's scheduler thread so far */
    long ticks();
}
