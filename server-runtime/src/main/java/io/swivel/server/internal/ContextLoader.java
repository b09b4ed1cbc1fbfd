package io.swivel.server.internal;

/**
 * Runs server code with a bundle's classloader as the thread's context loader, and puts the
 * previous one back when the scope closes: {@code try (ContextLoader.Scope s = ContextLoader.use(loader)) {...}}.
 */
public final class ContextLoader {

    private ContextLoader() {
    }

    /** An open scope; {@link #close()} restores the previous context loader. */
    public static final class Scope implements AutoCloseable {
        private final Thread thread;
        private final ClassLoader previous;

        private Scope(Thread thread, ClassLoader previous) {
            this.thread = thread;
            this.previous = previous;
        }

        @Override
        public void close() {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Makes {@code loader} the current thread's context loader until the scope closes.
     *
     * @param loader the bundle's loader
     * @return the scope to close
     */
    public static Scope use(ClassLoader loader) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        return new Scope(thread, previous);
    }
}
