package io.swivel.client.balance;

/**
 * One server a call can go to, as the balancer sees it. Implemented by the client's connection
 * pool; every method is read on each pick, so each must be cheap and safe to call from any thread.
 */
public interface Endpoint {

    /**
     * A stable identifier, such as {@code "127.0.0.1:7700"}, used for hashing and to break ties.
     * Two endpoints in one candidate list must not share an id.
     *
     * @return the id, never {@code null}
     */
    String id();

    /**
     * The relative weight from the registry payload; balancers treat values below 1 as 1.
     *
     * @return the weight, normally {@code >= 1}
     */
    int weight();

    /**
     * How much of its weight the endpoint takes now: below 1 while it warms up (a server that just
     * joined, or a version that just became active, announces a warm-up window over which this
     * grows from a small share to 1), else 1. Every balancer honours it: the weighted and random
     * ones scale the odds, round-robin passes its turn in proportion, least-in-flight and
     * power-of-two-choices let it take part in a pick with that probability, consistent hashing keeps
     * that share of its keys.
     *
     * @return a share in {@code (0, 1]}; 1 by default
     */
    default double warmth() {
        return 1.0;
    }

    /**
     * The calls sent on this endpoint and not yet answered, now.
     *
     * @return a count, normally {@code >= 0}
     */
    int inFlight();

    /**
     * The exponentially weighted moving average of call latency, as kept by a {@link LatencyEwma}.
     *
     * @return nanoseconds, or 0 if no call has completed yet
     */
    long latencyEwmaNanos();
}
