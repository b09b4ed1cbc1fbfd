package io.swivel.protocol.kryo;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Counts, for the keys of one hashed collection as they are decoded, how many earlier keys had
 * the same hash code: the keys a {@code HashMap} must compare a new key with when the keys are
 * not mutually comparable (its tree bins then search every node of that hash). An open-addressing
 * table of (hash, count) that grows with the distinct hash codes; reused across collections and
 * bodies while it is small ({@value #SMALL} slots), so small maps cost no allocation.
 */
final class HashWork {

    /** Tables up to this many slots are cleared and kept; larger ones are dropped. */
    private static final int SMALL = 64;

    private int[] hashes = new int[SMALL];
    private int[] counts = new int[SMALL];
    private int size;
    /** Chosen anew for every collection, so no set of hash codes can be picked to collide in this table. */
    private int seed = ThreadLocalRandom.current().nextInt();

    /** Forgets every key. */
    void reset() {
        if (hashes.length > SMALL) {
            hashes = new int[SMALL]; // after a large collection: reallocating costs less than clearing its table
            counts = new int[SMALL];
        } else if (size > 0) {
            Arrays.fill(counts, 0);
        }
        size = 0;
        seed = ThreadLocalRandom.current().nextInt();
    }

    /**
     * Adds one key's hash code.
     *
     * @param hash the key's hash code
     * @return how many earlier keys had the same hash code
     */
    int add(int hash) {
        if ((size + 1) * 2 > hashes.length) {
            grow();
        }
        int mask = hashes.length - 1;
        for (int i = mix(hash ^ seed) & mask; ; i = (i + 1) & mask) {
            if (counts[i] == 0) {
                hashes[i] = hash;
                counts[i] = 1;
                size++;
                return 0;
            }
            if (hashes[i] == hash) {
                return counts[i]++;
            }
        }
    }

    private void grow() {
        int[] oldHashes = hashes;
        int[] oldCounts = counts;
        hashes = new int[oldHashes.length * 2];
        counts = new int[oldHashes.length * 2];
        int mask = hashes.length - 1;
        for (int j = 0; j < oldHashes.length; j++) {
            if (oldCounts[j] != 0) {
                int i = mix(oldHashes[j] ^ seed) & mask;
                while (counts[i] != 0) {
                    i = (i + 1) & mask;
                }
                hashes[i] = oldHashes[j];
                counts[i] = oldCounts[j];
            }
        }
    }

    /** Spreads a (seeded) hash code: a murmur finalizer. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
