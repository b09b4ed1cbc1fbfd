package io.swivel.client.balance;

/** How the balancers read {@link Endpoint#warmth()}: clamped, and the key fractions of consistent hashing. */
final class Warmth {

    /** The smallest share counted, so that no score divides by zero. */
    static final double MIN = 0.01;

    private Warmth() {
    }

    /**
     * The endpoint's warmth, clamped to {@code [MIN, 1]}; an odd value (NaN) counts as warm.
     *
     * @return the share of its weight it takes now
     */
    static double of(Endpoint endpoint) {
        double warmth = endpoint.warmth();
        if (!(warmth < 1.0)) {
            return 1.0;
        }
        return Math.max(MIN, warmth);
    }

    /** Whether a round-robin turn goes to this endpoint: always when warm, else with its warmth as probability. */
    static boolean takesTurn(Endpoint endpoint) {
        double warmth = of(endpoint);
        return warmth >= 1.0 || java.util.concurrent.ThreadLocalRandom.current().nextDouble() < warmth;
    }

    /** A key hash mixed again (SplitMix64's finalizer) and read as a fraction in {@code [0, 1)}. */
    static double fraction(long keyHash) {
        long z = keyHash ^ 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    /** Another point on the ring for the same key. */
    static long rehash(long keyHash, int salt) {
        long z = keyHash + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        return z ^ (z >>> 33);
    }
}
