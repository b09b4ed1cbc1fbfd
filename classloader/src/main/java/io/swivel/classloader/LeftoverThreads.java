package io.swivel.classloader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Finds the threads a closed bundle left running and interrupts them: every live thread whose
 * class was defined by the bundle's loader, or whose context classloader is the bundle's loader
 * (a thread started from bundle code inherits it). Threads a bundle starts through its
 * {@code BundleContext} are stopped before this runs; what is found here was started some other way.
 *
 * <p>Not found: a plain {@code java.lang.Thread} whose context loader the bundle reset to
 * another loader. Such a thread still pins the loader and shows in
 * {@link LoaderLeakTracker#uncollected()} without a reason.
 */
public final class LeftoverThreads {

    /**
     * One thread found.
     *
     * @param name the thread's name
     * @param why how it belongs to the bundle: its class or its context loader
     * @param exited whether it ended within the wait after being interrupted
     */
    public record Found(String name, String why, boolean exited) {

        /** @return one line for the log and the leak report */
        public String describe() {
            return "thread '" + name + "' (" + why + ") was running at unload; interrupted, "
                    + (exited ? "it ended" : "it is still running");
        }
    }

    private LeftoverThreads() {
    }

    /**
     * Finds, interrupts and briefly waits for the threads of a loader.
     *
     * @param loader the bundle's (closed) loader
     * @param wait how long to wait, for all of them together, for them to end after the interrupt
     * @return the threads found, in no particular order
     * @throws InterruptedException if interrupted while waiting
     */
    public static List<Found> interrupt(ClassLoader loader, Duration wait) throws InterruptedException {
        Objects.requireNonNull(loader, "loader");
        List<Thread> threads = new ArrayList<>();
        List<String> whys = new ArrayList<>();
        Thread self = Thread.currentThread();
        for (Thread thread : allThreads()) {
            if (thread == self || !thread.isAlive()) {
                continue;
            }
            String why = null;
            if (thread.getClass().getClassLoader() == loader) {
                why = "its class " + thread.getClass().getName() + " is the bundle's";
            } else if (thread.getContextClassLoader() == loader) {
                why = "its context classloader is the bundle's";
            }
            if (why != null) {
                threads.add(thread);
                whys.add(why);
            }
        }
        threads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + wait.toNanos();
        List<Found> found = new ArrayList<>();
        for (int i = 0; i < threads.size(); i++) {
            Thread thread = threads.get(i);
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
            found.add(new Found(thread.getName(), whys.get(i), !thread.isAlive()));
        }
        return found;
    }

    private static Thread[] allThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        while (count == threads.length) {
            threads = new Thread[threads.length * 2];
            count = root.enumerate(threads, true);
        }
        Thread[] live = new Thread[count];
        System.arraycopy(threads, 0, live, 0, count);
        return live;
    }
}
