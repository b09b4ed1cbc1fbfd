package io.swivel.classloader;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Watches closed classloaders through weak references and tells which of them are still
 * reachable, so that a leak (a thread, cache or static that pins a bundle) is visible, with
 * what was found pinning it at unload when something was.
 *
 * <p>One tracker belongs to one server; it never holds a loader strongly.
 */
public final class LoaderLeakTracker {

    /** {@link #lastCollectionRequest}'s value before the first request. */
    private static final long NEVER = Long.MIN_VALUE;

    private final List<Tracked> tracked = new CopyOnWriteArrayList<>();
    private final LongSupplier nanoClock;
    private final Runnable fullCollection;
    /** When {@link #suspects} last asked for a collection (on {@link #nanoClock}), or {@link #NEVER}. */
    private final AtomicLong lastCollectionRequest = new AtomicLong(NEVER);

    /** A tracker on the JVM's clock that asks the JVM itself for a collection ({@code System.gc()}). */
    public LoaderLeakTracker() {
        this(System::nanoTime, System::gc);
    }

    /**
     * A tracker on a given clock and collector, for tests.
     *
     * @param nanoClock the time, in nanoseconds, as {@code System.nanoTime()} gives it
     * @param fullCollection what asks for a full collection
     */
    LoaderLeakTracker(LongSupplier nanoClock, Runnable fullCollection) {
        this.nanoClock = nanoClock;
        this.fullCollection = fullCollection;
    }

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
        tracked.add(new Tracked(name, List.copyOf(reasons), new WeakReference<>(loader), nanoClock.getAsLong()));
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
        return namesOf(candidates(closedFor));
    }

    /**
     * The loaders worth calling a leak: closed at least {@code closedFor} ago and still reachable
     * after a full collection that began after they closed. A server that serves few calls may
     * run no full collection for hours, so every loader it closed would look like a leak: when a
     * loader has been closed that long and no collection was asked for since it closed, this asks
     * the JVM for one ({@code System.gc()}), then answers what survived. So each closed loader
     * costs at most one requested collection, a real leak too (it is not asked for again while the
     * same loaders stay), and requests are at least {@code closedFor} apart.
     *
     * @param closedFor how long ago they closed, at least (the least time between two requests, too)
     * @return their names, as {@link #uncollected()} gives them
     */
    public synchronized List<String> suspects(java.time.Duration closedFor) {
        // synchronized: a second caller waits for a collection in progress instead of naming, as
        // survivors, loaders it is about to free
        List<Tracked> candidates = candidates(closedFor);
        long last = lastCollectionRequest.get();
        boolean untested = candidates.stream().anyMatch(t -> last == NEVER || t.closedAtNanos - last >= 0);
        long now = nanoClock.getAsLong();
        if (untested && (last == NEVER || now - last >= closedFor.toNanos())) {
            lastCollectionRequest.set(now);
            fullCollection.run();
            candidates = candidates(closedFor);
        }
        long tested = lastCollectionRequest.get();
        return namesOf(candidates.stream()
                .filter(t -> tested != NEVER && tested - t.closedAtNanos > 0)
                .toList());
    }

    private List<Tracked> candidates(java.time.Duration closedFor) {
        long now = nanoClock.getAsLong();
        List<Tracked> found = new ArrayList<>();
        for (Tracked t : tracked) {
            if (now - t.closedAtNanos >= closedFor.toNanos() && t.ref.get() != null) {
                found.add(t);
            }
        }
        return found;
    }

    private static List<String> namesOf(List<Tracked> loaders) {
        List<String> names = new ArrayList<>();
        for (Tracked t : loaders) {
            names.add(t.reasons.isEmpty() ? t.name : t.name + " (" + String.join("; ", t.reasons) + ")");
        }
        return names;
    }

    private record Tracked(String name, List<String> reasons, WeakReference<ClassLoader> ref, long closedAtNanos) {
    }
}
