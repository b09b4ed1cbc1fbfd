package io.swivel.client.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices over a latency-weighted load: picks two distinct endpoints at random and
 * takes the one with the lower cost, where
 * {@code cost = latencyEwmaNanos * (max(inFlight, 0) + 1)}.
 *
 * <p>An endpoint whose latency is unknown (0: no call has completed yet) is costed with the
 * other candidate's latency, so a newcomer competes on its in-flight count alone and, being idle,
 * tends to win and get measured; when both latencies are unknown, the cost is the in-flight count.
 * Ties go to either candidate with equal probability. With one endpoint, it is returned.
 *
 * <p>An endpoint that warms up stays in the pair only with a probability equal to its
 * {@link Endpoint#warmth()}: when one of the two drops out, the other wins. Its share is then that
 * fraction of what it would take warm, growing with the warm-up; dividing its cost instead would give
 * a cold server no call at all until the others queue deeply.
 */
final class PowerOfTwoChoicesBalancer implements LoadBalancer {

    @Override
    public Endpoint pick(List<? extends Endpoint> endpoints, Object firstArgument) {
        int size = Candidates.require(endpoints);
        if (size == 1) {
            return endpoints.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = random.nextInt(size);
        int second = random.nextInt(size - 1);
        if (second >= first) {
            second++;
        }
        // Both indices are uniform and the pair's order is random, so preferring `a` on ties is fair.
        Endpoint a = endpoints.get(first);
        Endpoint b = endpoints.get(second);
        boolean keepA = Warmth.takesTurn(a);
        if (keepA != Warmth.takesTurn(b)) {
            return keepA ? a : b;
        }
        // Read each value once: the pool updates them concurrently.
        long latencyA = a.latencyEwmaNanos();
        long latencyB = b.latencyEwmaNanos();
        if (latencyA <= 0) {
            latencyA = Math.max(latencyB, 1);
        }
        if (latencyB <= 0) {
            latencyB = latencyA;
        }
        return cost(latencyA, a.inFlight()) <= cost(latencyB, b.inFlight()) ? a : b;
    }

    /**
     * {@code latency * (inFlight + 1)}, in double: the long product of a slow latency and a deep
     * queue could overflow.
     */
    private static double cost(long latency, int inFlight) {
        return (double) latency * ((double) Math.max(inFlight, 0) + 1);
    }
}
