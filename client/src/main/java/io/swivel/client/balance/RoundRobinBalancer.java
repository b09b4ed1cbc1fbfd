package io.swivel.client.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes the endpoints in turn: the n-th pick of this instance gets index {@code n mod size}. The
 * counter is per instance and survives changes of the list, which then simply continues from the
 * counter's position. An endpoint that warms up takes its turn only with a probability equal to
 * its {@link Endpoint#warmth()}; otherwise the turn passes to the next one.
 */
final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicLong next;

    RoundRobinBalancer() {
        this(0);
    }

    /** A balancer whose first pick is number {@code start}; for tests of counter overflow. */
    RoundRobinBalancer(long start) {
        this.next = new AtomicLong(start);
    }

    @Override
    public Endpoint pick(List<? extends Endpoint> endpoints, Object firstArgument) {
        int size = Candidates.require(endpoints);
        // floorMod keeps the index in [0, size) even after the counter wraps to negative values.
        Endpoint turn = endpoints.get(Math.floorMod(next.getAndIncrement(), size));
        for (int tries = 1; tries < size && !Warmth.takesTurn(turn); tries++) {
            turn = endpoints.get(Math.floorMod(next.getAndIncrement(), size));
        }
        return turn;
    }
}
