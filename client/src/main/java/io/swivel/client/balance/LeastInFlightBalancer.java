package io.swivel.client.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the endpoint with the fewest calls in flight; among endpoints tied at the minimum, each
 * is equally likely, so that idle endpoints share the load instead of the first one taking it all.
 * An endpoint that warms up counts as {@code (inFlight + 1) / warmth}, so it takes fewer calls.
 */
final class LeastInFlightBalancer implements LoadBalancer {

    @Override
    public Endpoint pick(List<? extends Endpoint> endpoints, Object firstArgument) {
        int size = Candidates.require(endpoints);
        Endpoint best = endpoints.get(0);
        if (size == 1) {
            return best;
        }
        double min = score(best);
        int ties = 1;
        ThreadLocalRandom random = null;
        for (int i = 1; i < size; i++) {
            Endpoint candidate = endpoints.get(i);
            double inFlight = score(candidate);
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

    /** {@code (inFlight + 1) / warmth}: the in-flight order when every endpoint is warm. */
    private static double score(Endpoint endpoint) {
        return (Math.max(endpoint.inFlight(), 0) + 1.0) / Warmth.of(endpoint);
    }
}
