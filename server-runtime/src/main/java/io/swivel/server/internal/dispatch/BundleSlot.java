package io.swivel.server.internal.dispatch;

import io.swivel.server.internal.bundle.BundleGeneration;

/**
 * The place of one bundle in the {@link ServiceDirectory}: the generation serving it now.
 * Replacing the generation is one volatile write: a call that reads the slot after it goes to
 * the new version.
 */
public final class BundleSlot {

    private final String name;
    private volatile BundleGeneration active;

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

    void activate(BundleGeneration generation) {
        this.active = generation;
    }
}
