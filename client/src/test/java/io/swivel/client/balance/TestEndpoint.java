package io.swivel.client.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A fixed endpoint for tests. */
record TestEndpoint(String id, int weight, int inFlight, long latencyEwmaNanos) implements Endpoint {

    static TestEndpoint of(String id) {
        return new TestEndpoint(id, 1, 0, 0);
    }

    static TestEndpoint weighted(String id, int weight) {
        return new TestEndpoint(id, weight, 0, 0);
    }

    static TestEndpoint loaded(String id, int inFlight, long latencyEwmaNanos) {
        return new TestEndpoint(id, 1, inFlight, latencyEwmaNanos);
    }

    /** Endpoints "e0" .. "e(n-1)". */
    static List<TestEndpoint> named(int n) {
        List<TestEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            endpoints.add(of("e" + i));
        }
        return endpoints;
    }

    /** How many of {@code picks} picks went to each endpoint id (ids never picked are absent). */
    static Map<String, Integer> tally(LoadBalancer balancer, List<? extends Endpoint> endpoints, int picks) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(balancer.pick(endpoints, null).id(), 1, Integer::sum);
        }
        return counts;
    }
}
