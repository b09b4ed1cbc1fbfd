package io.swivel.client.balance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends equal first arguments to the same endpoint for as long as it stays in the candidate list,
 * using a {@link HashRing} with {@value #REPLICAS} points per endpoint. When an endpoint joins or
 * leaves, only the keys it gains or loses move (about {@code 1/n} of them). Weights are ignored.
 *
 * <p>The key is the 64-bit hash of the argument's bytes: a {@code String}'s UTF-8 encoding, a
 * {@code byte[]}'s contents, and for anything else the UTF-8 encoding of
 * {@link String#valueOf(Object)} (so {@code 42}, {@code 42L} and {@code "42"} are the same key;
 * types without a value-based {@code toString} get no affinity). A {@code null} argument is hashed
 * as 0, so all such calls go to one endpoint.
 *
 * <p>The ring for the last candidate set is cached and published through a volatile field as an
 * immutable snapshot; it is rebuilt only when the set of ids changes, and merely re-indexed when the
 * same ids come in a different order. Concurrent picks that see a new set may both build a ring;
 * either result is correct.
 *
 * <p>An endpoint that warms up keeps only the share of its keys given by its
 * {@link Endpoint#warmth()}: a key stays when a second hash of it, read as a fraction, is below the
 * warmth, so the keys it keeps are the same on every pick and grow as it warms; the others go to the
 * owner of a rehashed point on the ring.
 */
final class ConsistentHashBalancer implements LoadBalancer {

    /** Points on the ring per endpoint. */
    static final int REPLICAS = 160;

    private volatile Snapshot snapshot;

    @Override
    public Endpoint pick(List<? extends Endpoint> endpoints, Object firstArgument) {
        int size = Candidates.require(endpoints);
        if (size == 1) {
            return endpoints.get(0);
        }
        Snapshot current = snapshot;
        if (current == null || !current.matches(endpoints)) {
            current = Snapshot.of(endpoints, current == null ? null : current.ring);
            snapshot = current;
        }
        long key = keyHash(firstArgument);
        Endpoint owner = endpoints.get(current.listIndex[current.ring.ownerOf(key)]);
        double warmth = Warmth.of(owner);
        if (warmth >= 1.0 || Warmth.fraction(key) < warmth) {
            return owner;
        }
        for (int salt = 1; salt <= REHASHES; salt++) {
            Endpoint other = endpoints.get(current.listIndex[current.ring.ownerOf(Warmth.rehash(key, salt))]);
            if (other != owner && Warmth.fraction(Warmth.rehash(key, salt)) < Warmth.of(other)) {
                return other;
            }
        }
        return owner;
    }

    /** How many other points a key not kept by a warming endpoint tries. */
    static final int REHASHES = 8;

    static long keyHash(Object key) {
        if (key == null) {
            return 0;
        }
        if (key instanceof byte[] bytes) {
            return Hash64.of(bytes);
        }
        return Hash64.of(key instanceof String text ? text : String.valueOf(key));
    }

    /** A ring and how its ids map to positions in one candidate list. Immutable. */
    private static final class Snapshot {

        private final String[] order;
        private final HashRing ring;
        private final int[] listIndex;

        private Snapshot(String[] order, HashRing ring, int[] listIndex) {
            this.order = order;
            this.ring = ring;
            this.listIndex = listIndex;
        }

        /** The snapshot for {@code endpoints}, reusing {@code previous} if it has the same ids. */
        static Snapshot of(List<? extends Endpoint> endpoints, HashRing previous) {
            String[] order = new String[endpoints.size()];
            Map<String, Integer> position = new HashMap<>();
            for (int i = 0; i < order.length; i++) {
                order[i] = Objects.requireNonNull(endpoints.get(i).id(), "endpoint id");
                position.putIfAbsent(order[i], i); // a duplicate id maps to its first occurrence
            }
            HashRing ring = previous != null && previous.hasExactly(position.keySet())
                    ? previous
                    : HashRing.of(position.keySet().toArray(new String[0]), REPLICAS);
            int[] listIndex = new int[ring.size()];
            for (int k = 0; k < listIndex.length; k++) {
                listIndex[k] = position.get(ring.id(k));
            }
            return new Snapshot(order, ring, listIndex);
        }

        /** Whether {@code endpoints} has exactly this snapshot's ids, in this order. */
        boolean matches(List<? extends Endpoint> endpoints) {
            int size = endpoints.size();
            if (size != order.length) {
                return false;
            }
            for (int i = 0; i < size; i++) {
                if (!order[i].equals(endpoints.get(i).id())) {
                    return false;
                }
            }
            return true;
        }
    }
}
