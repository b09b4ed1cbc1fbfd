package io.swivel.client.balance;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/** The load balancers by name, as users select them. */
public enum Balancers {

    /** Each endpoint in turn, in list order. */
    ROUND_ROBIN,

    /** Uniformly at random. */
    RANDOM,

    /** At random, in proportion to {@link Endpoint#weight()}. */
    WEIGHTED,

    /** The endpoint with the fewest calls in flight; ties are broken at random. */
    LEAST_IN_FLIGHT,

    /**
     * The cheaper of two random endpoints, where cost is latency average times (calls in flight + 1).
     * The client's default, {@link #DEFAULT}.
     */
    P2C_EWMA,

    /** The same first argument goes to the same endpoint, through a hash ring with virtual nodes. */
    CONSISTENT_HASH;

    /** The balancer a client uses when none is configured: {@link #P2C_EWMA}. */
    public static final Balancers DEFAULT = P2C_EWMA;

    /**
     * A new balancer of this kind. Each client or proxy needs its own: some keep per-instance state,
     * such as the round-robin counter or the consistent-hash ring.
     *
     * @return a new, thread-safe balancer
     */
    public LoadBalancer create() {
        return switch (this) {
            case ROUND_ROBIN -> new RoundRobinBalancer();
            case RANDOM -> new RandomBalancer();
            case WEIGHTED -> new WeightedRandomBalancer();
            case LEAST_IN_FLIGHT -> new LeastInFlightBalancer();
            case P2C_EWMA -> new PowerOfTwoChoicesBalancer();
            case CONSISTENT_HASH -> new ConsistentHashBalancer();
        };
    }

    /**
     * The balancer named by a user, ignoring case and treating {@code '-'} as {@code '_'}, so that
     * {@code "p2c-ewma"}, {@code "P2C_EWMA"} and {@code "least-in-flight"} are all accepted.
     *
     * @param name the name
     * @return the balancer
     * @throws IllegalArgumentException if no balancer has that name
     */
    public static Balancers byName(String name) {
        Objects.requireNonNull(name, "name");
        String normalized = name.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (Balancers balancer : values()) {
            if (balancer.name().equals(normalized)) {
                return balancer;
            }
        }
        throw new IllegalArgumentException("unknown load balancer: '" + name + "' (expected one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT).replace('_', '-') + ")");
    }
}
