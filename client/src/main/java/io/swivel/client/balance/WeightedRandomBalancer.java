package io.swivel.client.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks an endpoint at random with probability proportional to its {@link Endpoint#weight()}
 * times its {@link Endpoint#warmth()}; weights below 1 count as 1. Stateless, so weights may
 * change between calls.
 */
final class WeightedRandomBalancer implements LoadBalancer {

    @Override
    public Endpoint pick(List<? extends Endpoint> endpoints, Object firstArgument) {
        int size = Candidates.require(endpoints);
        if (size == 1) {
            return endpoints.get(0);
        }
        // Read each weight once: the pool may change them while we pick.
        double[] weights = new double[size];
        double total = 0;
        for (int i = 0; i < size; i++) {
            Endpoint endpoint = endpoints.get(i);
            weights[i] = Math.max(1, endpoint.weight()) * Warmth.of(endpoint);
            total += weights[i];
        }
        double ticket = ThreadLocalRandom.current().nextDouble(total);
        for (int i = 0; i < size - 1; i++) {
            ticket -= weights[i];
            if (ticket < 0) {
                return endpoints.get(i);
            }
        }
        return endpoints.get(size - 1);
    }
}
