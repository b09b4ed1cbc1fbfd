package io.swivel.server.internal.dispatch;

import io.swivel.protocol.VersionConstraints;
import io.swivel.server.internal.bundle.BundleGeneration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The version-selection step of a call when a bundle runs a canary: a version constraint that
 * only one of the two versions matches picks that one, whatever the weights; otherwise the
 * canary's weight decides, by a random draw per call or, when sticky, by the hash of the call's
 * encoded arguments (the same arguments always land on the same version).
 */
final class VersionChoice {

    private VersionChoice() {
    }

    static BundleGeneration choose(BundleGeneration stable, CanarySplit split, String constraint, ArgsDecoder decoder) {
        BundleGeneration canary = split.canary();
        if (constraint != null && !constraint.isEmpty()) {
            boolean stableMatches = VersionConstraints.matches(constraint, stable.version());
            boolean canaryMatches = VersionConstraints.matches(constraint, canary.version());
            if (canaryMatches != stableMatches) {
                return canaryMatches ? canary : stable;
            }
        }
        int weight = split.weightPercent();
        if (weight <= 0) {
            return stable;
        }
        if (weight >= 100) {
            return canary;
        }
        int draw = split.sticky() ? bucket(decoder.stickyHash()) : ThreadLocalRandom.current().nextInt(100);
        return draw < weight ? canary : stable;
    }

    /** 0 to 99 from a hash, its bits mixed first (murmur3's finalizer) so that near keys spread. */
    static int bucket(int hash) {
        int h = hash;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, 100);
    }
}
