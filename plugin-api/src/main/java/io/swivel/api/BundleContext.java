package io.swivel.api;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the runtime offers one version of a bundle: its identity, configuration, managed
 * threads and a health-check hook.
 *
 * <p>Threads must come from {@link #newExecutor} or {@link #newScheduler}: the runtime
 * shuts them down when the version is unloaded, so that no thread keeps the bundle's
 * classloader alive.
 */
public interface BundleContext {

    /**
     * The bundle's name, from the manifest attribute {@code Swivel-Bundle}.
     *
     * @return the bundle name
     */
    String bundleName();

    /**
     * This version, from the manifest attribute {@code Swivel-Version}.
     *
     * @return the bundle version
     */
    String bundleVersion();

    /**
     * The bundle's configuration as it is now: after a hot update of
     * {@code <bundle>.properties} this returns the new values.
     *
     * @return the configuration, never {@code null}
     */
    BundleConfig config();

    /**
     * Asks to receive configuration changes while this version runs. Without a listener, an
     * edit of {@code <bundle>.properties} restarts the bundle as a normal swap instead.
     *
     * @param listener called with each new configuration
     */
    void addConfigListener(ConfigListener listener);

    /**
     * Creates a fixed-size executor whose threads are named after the bundle and
     * {@code name}, and which the runtime shuts down when this version is unloaded.
     *
     * @param name a short name for the threads
     * @param threads the number of threads, at least 1
     * @return the executor
     */
    ExecutorService newExecutor(String name, int threads);

    /**
     * Creates a single-threaded scheduler that the runtime shuts down when this version is
     * unloaded.
     *
     * @param name a short name for the thread
     * @return the scheduler
     */
    ScheduledExecutorService newScheduler(String name);

    /**
     * Installs the health check the runtime runs after {@link BundleActivator#start} and
     * then periodically. Replaces any earlier one.
     *
     * @param check the health check
     */
    void setHealthCheck(HealthCheck check);

    /**
     * Runs an interceptor around every call of this version's services, inside the server's own
     * interceptors; interceptors added earlier run first. Add them in {@link BundleActivator#start}.
     *
     * @param interceptor the interceptor
     * @throws UnsupportedOperationException if this context takes no interceptors (a test double)
     */
    default void addInterceptor(ServerInterceptor interceptor) {
        throw new UnsupportedOperationException("this BundleContext takes no interceptors");
    }
}
