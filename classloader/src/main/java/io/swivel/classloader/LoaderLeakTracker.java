package io.swivel.classloader;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches closed classloaders through weak references and tells which of them are still
 * reachable, so that a leak (a thread, cache or static that pins a bundle) is visible.
 *
 * <p>One tracker belongs to one server; it never holds a loader strongly.
 */
public final class LoaderLeakTracker {

    private final List<Tracked> tracked = new CopyOnWriteArrayList<>();

    /**
     * Starts watching a loader that has been closed and should become collectable.
     *
     * @param name a name for diagnostics
     * @param loader the closed loader
     */
    public void track(String name, ClassLoader loader) {
        tracked.add(new Tracked(name, new WeakReference<>(loader)));
        tracked.removeIf(t -> t.ref.get() == null);
    }

    /**
     * The names of tracked loaders that have not been garbage collected yet.
     *
     * @return names of loaders still reachable (a leak if it stays non-empty after GC)
     */
    public List<String> uncollected() {
        List<String> names = new ArrayList<>();
        for (Tracked t : tracked) {
            if (t.ref.get() != null) {
                names.add(t.name);
            }
        }
        return names;
    }

    private record Tracked(String name, WeakReference<ClassLoader> ref) {
    }
}
