package io.swivel.server.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** The one way to make threads: the server's own, and (through the bundle context) a bundle's. */
public final class Threads {

    private Threads() {
    }

    /**
     * Daemon threads named {@code prefix-1}, {@code prefix-2}, ...
     *
     * @param prefix the name prefix, e.g. {@code swivel-drain}
     * @return the factory
     */
    public static ThreadFactory daemon(String prefix) {
        return daemon(prefix, null, UnaryOperator.identity());
    }

    /**
     * Daemon threads named {@code prefix-1}, {@code prefix-2}, ... with a context loader, each
     * running its task wrapped (for example in a bundle's logging context).
     *
     * @param prefix the name prefix
     * @param contextLoader the threads' context class loader, or null to inherit the creator's
     * @param wrap decorates each task before its thread runs it
     * @return the factory
     */
    public static ThreadFactory daemon(String prefix, ClassLoader contextLoader, UnaryOperator<Runnable> wrap) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(wrap.apply(runnable), prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            if (contextLoader != null) {
                thread.setContextClassLoader(contextLoader);
            }
            return thread;
        };
    }

    /**
     * One daemon thread with exactly this name, not started.
     *
     * @param name the thread's name
     * @param task what it runs
     * @return the thread
     */
    public static Thread daemonThread(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
