package io.swivel.api;

/**
 * Optional start and stop hooks of a bundle version.
 *
 * <p>A bundle names its activator in the manifest attribute {@code Swivel-Activator}, or
 * the runtime finds the one class that implements this interface. {@link #start} runs
 * after the bundle's classes are loaded and before any call is served; if it throws or
 * does not return within the start timeout, the version never serves. {@link #stop} runs
 * after the version has drained its in-flight calls; executors obtained from the context
 * are shut down after it returns.
 */
public interface BundleActivator {

    /**
     * Prepares the bundle to serve.
     *
     * @param context the bundle version's context
     * @throws Exception to refuse to start; the cause is reported in the deploy marker
     */
    void start(BundleContext context) throws Exception;

    /**
     * Releases what {@link #start} acquired. The default does nothing.
     *
     * @param context the same context that was passed to {@link #start}
     * @throws Exception reported in the logs; unloading continues regardless
     */
    default void stop(BundleContext context) throws Exception {
    }
}
