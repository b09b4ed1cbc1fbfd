package io.swivel.classloader;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches closed classloaders through weak references and tells which of them are still
 * reachable, so that a leak (a thread, cache or static that pins a bundle) is visible, with
 * what was found pinning it at unload when something was.
 *
 * <p>One tracker belongs to one server; it never holds a loader strongly.
 */
public final class LoaderLeakTracker {

    private final List<Tracked> tracked = new CopyOnWriteArrayList<>();
    /** When {@link #suspects} last asked for a collection ({@code System.nanoTime()}), or none yet. */
    private final AtomicReference<Long> lastCollectionRequest = new AtomicReference<>();

    /**
     * Starts watching a loader that has been closed and should become collectable.
     *
     * @param name a name for diagnostics
     * @param loader the closed loader
     */
    public void track(String name, ClassLoader loader) {
        track(name, loader, List.of());
    }

    /**
     * Starts watching a closed loader, with what was found at unload that may keep it in memory.
     *
     * @param name a name for diagnostics
     * @param loader the closed loader
     * @param reasons what may pin it, such as a thread left running; empty if nothing was found
     */
    public void track(String name, ClassLoader loader, List<String> reasons) {
        tracked.add(new Tracked(name, List.copyOf(reasons), new WeakReference<>(loader), System.nanoTime()));
        tracked.removeIf(t -> t.ref.get() == null);
    }

    /**
     * The tracked loaders that have not been garbage collected yet: each its name, followed by
     * the reasons found at unload in parentheses when there were any.
     *
     * @return loaders still reachable (a leak if it stays non-empty after GC)
     */
    public List<String> uncollected() {
        return uncollected(java.time.Duration.ZERO);
    }

    /**
     * The tracked loaders closed at least {@code closedFor} ago and still not garbage collected:
     * the ones worth a look (every loader stays reachable for a while after it closes, until a
     * collection runs).
     *
     * @param closedFor how long ago they closed, at least
     * @return their names, as {@link #uncollected()} gives them
     */
    public List<String> uncollected(java.time.Duration closedFor) {
        long now = System.nanoTime();
        List<String> names = new ArrayList<>();
        for (Tracked t : tracked) {
            if (now - t.closedAtNanos >= closedFor.toNanos() && t.ref.get() != null) {
                names.add(t.reasons.isEmpty() ? t.name : t.name + " (" + String.join("; ", t.reasons) + ")");
            }
        }
        return names;
    }

    /**
     * The loaders worth calling a leak: closed at least {@code closedFor} ago and still reachable
     * after a garbage collection. A server that serves few calls may run no collection for a long
     * time, so every loader it closed would look like a leak; when some look so, this asks the JVM
     * for one collection ({@code System.gc()}), at most once per {@code closedFor}, and answers what
     * survived it.
     *
     * @param closedFor how long ago they closed, at least (the period of the collections asked for, too)
     * @return their names, as {@link #uncollected()} gives them
     */
    public List<String> suspects(java.time.Duration closedFor) {
        List<String> suspects = uncollected(closedFor);
        if (suspects.isEmpty()) {
            return suspects;
        }
        long now = System.nanoTime();
        Long last = lastCollectionRequest.get();
        if ((last == null || now - last >= closedFor.toNanos()) && lastCollectionRequest.compareAndSet(last, now)) {
            System.gc(); // a full collection, once a period and only while some loader looks leaked
            suspects = uncollected(closedFor);
        }
        return suspects;
    }

    private record Tracked(String name, List<String> reasons, WeakReference<ClassLoader> ref, long closedAtNanos) {
    }
}
