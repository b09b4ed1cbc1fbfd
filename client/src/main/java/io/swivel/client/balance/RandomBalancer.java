package io.swivel.client.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Picks an endpoint uniformly at random. */
final class RandomBalancer implements LoadBalancer {

    @Override
    public Endpoint pick(List<? extends Endpoint> endpoints, Object firstArgument) {
        int size = Candidates.require(endpoints);
        return size == 1 ? endpoints.get(0) : endpoints.get(ThreadLocalRandom.current().nextInt(size));
    }
}
