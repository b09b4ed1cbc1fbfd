package io.swivel.server.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The server's one way to name its own threads (not for bundle threads, which the bundle context makes). */
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
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
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
