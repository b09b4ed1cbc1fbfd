package io.swivel.client.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the endpoint with the fewest calls in flight; among endpoints tied at the minimum, each
 * is equally likely, so that idle endpoints share the load instead of the first one taking it all.
 * An endpoint that warms up takes part in a pick only with a probability equal to its
 * {@link Endpoint#warmth()} (if none takes part, all do), so it gets that share of what it would get
 * warm: a share that grows, where dividing its score would give it nothing at all at low load.
 */
final class LeastInFlightBalancer implements LoadBalancer {

    @Override
    public Endpoint pick(List<? extends Endpoint> endpoints, Object firstArgument) {
        int size = Candidates.require(endpoints);
        if (size == 1) {
            return endpoints.get(0);
        }
        Endpoint best = pick(endpoints, true);
        return best != null ? best : pick(endpoints, false);
    }

    /** The least loaded of the endpoints that take part, or null if none does. */
    private static Endpoint pick(List<? extends Endpoint> endpoints, boolean admit) {
        Endpoint best = null;
        int min = Integer.MAX_VALUE;
        int ties = 0;
        ThreadLocalRandom random = null;
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint candidate = endpoints.get(i);
            if (admit && !Warmth.takesTurn(candidate)) {
                continue;
            }
            if (best == null) {
                best = candidate;
                min = candidate.inFlight();
                ties = 1;
                continue;
            }
            int inFlight = candidate.inFlight();
            if (inFlight < min) {
                best = candidate;
                min = inFlight;
                ties = 1;
            } else if (inFlight == min) {
                // Reservoir sampling: the k-th tied endpoint replaces the choice with probability 1/k.
                if (random == null) {
                    random = ThreadLocalRandom.current();
                }
                ties++;
                if (random.nextInt(ties) == 0) {
                    best = candidate;
                }
            }
        }
        return best;
    }
}
