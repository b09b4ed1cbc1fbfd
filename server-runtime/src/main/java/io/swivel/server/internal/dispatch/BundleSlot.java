package io.swivel.server.internal.dispatch;

import io.swivel.server.internal.bundle.BundleGeneration;

/**
 * The place of one bundle in the {@link ServiceDirectory}: the generation serving it now, and
 * the canary beside it with its weight, if any ({@link CanarySplit}). Replacing either is one
 * volatile write: a call that reads the slot after it sees the new routing.
 */
public final class BundleSlot {

    private final String name;
    private volatile BundleGeneration active;
    private volatile CanarySplit split;
    private volatile CallMirror mirror;

    BundleSlot(String name) {
        this.name = name;
    }

    /** @return the bundle name */
    public String name() {
        return name;
    }

    /** @return the serving generation, or null */
    public BundleGeneration active() {
        return active;
    }

    /** @return the canary beside the serving generation and its weight, or null */
    public CanarySplit split() {
        return split;
    }

    /** @return the shadow taking copies of this bundle's calls, or null */
    public CallMirror mirror() {
        return mirror;
    }

    void mirror(CallMirror next) {
        this.mirror = next;
    }

    /** A new serving generation ends any canary: the canary promoted, or a swap that replaced both. */
    void activate(BundleGeneration generation) {
        this.split = null;
        this.active = generation;
    }

    void split(CanarySplit next) {
        this.split = next;
    }
}
