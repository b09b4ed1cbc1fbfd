package io.swivel.client.balance;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;

/**
 * An immutable hash ring: each id owns {@code replicas} points at {@code Hash64.of(id + "#" + i)},
 * and a key belongs to the owner of the first point at or after the key's hash, wrapping around.
 * Points are ordered by hash, then by id, so the ring depends only on the set of ids, never on
 * their order, and adding or removing an id moves only the keys that it gains or loses.
 */
final class HashRing {

    private final String[] ids;
    private final long[] points;
    private final int[] owners;

    private HashRing(String[] ids, long[] points, int[] owners) {
        this.ids = ids;
        this.points = points;
        this.owners = owners;
    }

    /**
     * Builds a ring.
     *
     * @param ids distinct, non-null ids, at least one
     * @param replicas points per id, at least 1
     */
    static HashRing of(String[] ids, int replicas) {
        String[] own = ids.clone();
        record Point(long hash, int owner) {
        }
        Point[] all = new Point[own.length * replicas];
        for (int owner = 0; owner < own.length; owner++) {
            for (int i = 0; i < replicas; i++) {
                all[owner * replicas + i] = new Point(Hash64.of(own[owner] + "#" + i), owner);
            }
        }
        Arrays.sort(all, Comparator.comparingLong(Point::hash).thenComparing(p -> own[p.owner()]));
        long[] points = new long[all.length];
        int[] owners = new int[all.length];
        for (int k = 0; k < all.length; k++) {
            points[k] = all[k].hash();
            owners[k] = all[k].owner();
        }
        return new HashRing(own, points, owners);
    }

    /** The number of ids on the ring. */
    int size() {
        return ids.length;
    }

    /** The id at {@code index}, as numbered by {@link #ownerOf}. */
    String id(int index) {
        return ids[index];
    }

    /** Whether this ring's ids are exactly {@code others}, which holds distinct ids. */
    boolean hasExactly(Collection<String> others) {
        if (others.size() != ids.length) {
            return false;
        }
        for (String id : ids) {
            if (!others.contains(id)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The owner of a key.
     *
     * @return the index of the owning id, for {@link #id(int)}
     */
    int ownerOf(long keyHash) {
        // Lower bound: the first point >= keyHash, so that equal hashes resolve to the lowest id.
        int low = 0;
        int high = points.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (points[mid] < keyHash) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return owners[low == points.length ? 0 : low];
    }
}
