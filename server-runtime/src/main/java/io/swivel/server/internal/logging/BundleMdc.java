package io.swivel.server.internal.logging;

import org.slf4j.MDC;

/**
 * Puts the bundle name and version into the logging context (SLF4J's MDC, keys
 * {@value #BUNDLE} and {@value #VERSION}), so every log line about a bundle says which one:
 * the server's own lines while it deploys, drains or rolls back a version, and every line
 * the bundle logs from the threads its context gives it.
 */
public final class BundleMdc {

    /** The MDC key of the bundle name. */
    public static final String BUNDLE = "bundle";
    /** The MDC key of the bundle version. */
    public static final String VERSION = "version";

    private BundleMdc() {
    }

    /**
     * Sets the bundle and version on this thread until the scope closes, then restores what
     * was there before.
     *
     * @param bundle the bundle name
     * @param version the version, or "" when not known yet
     * @return the scope to close
     */
    public static Scope open(String bundle, String version) {
        Scope scope = new Scope(MDC.get(BUNDLE), MDC.get(VERSION));
        put(bundle, version);
        return scope;
    }

    /**
     * Wraps a task so that it runs with the bundle and version in the logging context.
     *
     * @param bundle the bundle name
     * @param version the version
     * @param task the task
     * @return the wrapped task
     */
    public static Runnable wrap(String bundle, String version, Runnable task) {
        return () -> {
            try (Scope scope = open(bundle, version)) {
                task.run();
            }
        };
    }

    private static void put(String bundle, String version) {
        restore(BUNDLE, bundle);
        restore(VERSION, version == null || version.isEmpty() ? null : version);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Restores the logging context as it was before {@link #open}. */
    public static final class Scope implements AutoCloseable {
        private final String bundle;
        private final String version;

        private Scope(String bundle, String version) {
            this.bundle = bundle;
            this.version = version;
        }

        @Override
        public void close() {
            restore(BUNDLE, bundle);
            restore(VERSION, version);
        }
    }
}
