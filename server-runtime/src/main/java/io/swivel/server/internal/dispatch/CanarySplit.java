package io.swivel.server.internal.dispatch;

import io.swivel.server.internal.bundle.BundleGeneration;
import java.util.Objects;

/**
 * A second active version of a bundle and the share of its calls it takes: the canary beside
 * the stable version of a {@link BundleSlot}. Immutable; a new weight is a new split, swapped in
 * with one write.
 *
 * @param canary the version taking part of the calls
 * @param weightPercent the share of calls it takes, 0 to 100
 * @param sticky whether a call's arguments choose the version (the same key keeps to one
 *     version) rather than a random draw per call
 */
public record CanarySplit(BundleGeneration canary, int weightPercent, boolean sticky) {

    /**
     * Validates the split.
     *
     * @param canary the canary
     * @param weightPercent 0 to 100
     * @param sticky whether keyed
     */
    public CanarySplit {
        Objects.requireNonNull(canary, "canary");
        if (weightPercent < 0 || weightPercent > 100) {
            throw new IllegalArgumentException("weightPercent: " + weightPercent + " (expected: 0..100)");
        }
    }
}
