package io.swivel.client.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks an endpoint uniformly at random; one that warms up ({@link Endpoint#warmth()} below 1) is
 * picked with odds in proportion to its warmth.
 */
final class RandomBalancer implements LoadBalancer {

    @Override
    public Endpoint pick(List<? extends Endpoint> endpoints, Object firstArgument) {
        int size = Candidates.require(endpoints);
        if (size == 1) {
            return endpoints.get(0);
        }
        double[] warmth = new double[size];
        double total = 0;
        for (int i = 0; i < size; i++) {
            warmth[i] = Warmth.of(endpoints.get(i));
            total += warmth[i];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (total == size) {
            return endpoints.get(random.nextInt(size)); // all warm: uniform
        }
        double ticket = random.nextDouble(total);
        for (int i = 0; i < size - 1; i++) {
            ticket -= warmth[i];
            if (ticket < 0) {
                return endpoints.get(i);
            }
        }
        return endpoints.get(size - 1);
    }
}
