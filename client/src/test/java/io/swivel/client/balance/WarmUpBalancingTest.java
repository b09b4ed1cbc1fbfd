package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every balancer honours {@link Endpoint#warmth()}: an endpoint that warms up takes a smaller share
 * (the random ones in proportion, the load-based ones by taking part in that share of picks, consistent hashing by
 * keeping that share of its keys), and one that is warm is treated as before. Shares are counted
 * over {@value #PICKS} picks; the stated tolerance is ±0.02 (more than four standard deviations).
 */
class WarmUpBalancingTest {

    private static final int PICKS = 100_000;

    /** An endpoint with a fixed warmth. */
    record Warming(String id, int weight, int inFlight, long latencyEwmaNanos, double warmth) implements Endpoint {

        static Warming of(String id, int weight, double warmth) {
            return new Warming(id, weight, 0, 0, warmth);
        }
    }

    @Test
    void weightedAndRandomScaleTheOddsByTheWarmth() {
        List<Warming> endpoints = List.of(Warming.of("warm", 100, 1.0), Warming.of("cold", 100, 0.25));
        for (Balancers kind : List.of(Balancers.WEIGHTED, Balancers.RANDOM)) {
            assertThat(share(TestEndpoint.tally(kind.create(), endpoints, PICKS), "cold")).as(kind.name())
                    .isCloseTo(0.25 / 1.25, within(0.02));
        }
        List<Warming> weighted = List.of(Warming.of("small", 100, 1.0), Warming.of("big", 300, 0.5));
        assertThat(share(TestEndpoint.tally(Balancers.WEIGHTED.create(), weighted, PICKS), "big"))
                .isCloseTo(150 / 250.0, within(0.02));
    }

    @Test
    void weightsSplitCallsInTheirRatioOnceWarm() {
        List<Warming> endpoints = List.of(Warming.of("w100", 100, 1.0), Warming.of("w300", 300, 1.0));
        assertThat(share(TestEndpoint.tally(Balancers.WEIGHTED.create(), endpoints, PICKS), "w300"))
                .isCloseTo(0.75, within(0.02));
    }

    @Test
    void roundRobinPassesTheTurnOfAWarmingEndpointInProportion() {
        List<Warming> endpoints = List.of(Warming.of("warm", 1, 1.0), Warming.of("cold", 1, 0.25));
        assertThat(share(TestEndpoint.tally(Balancers.ROUND_ROBIN.create(), endpoints, PICKS), "cold"))
                .isCloseTo(0.2, within(0.02));
        List<Warming> allWarm = List.of(Warming.of("a", 1, 1.0), Warming.of("b", 1, 1.0));
        assertThat(TestEndpoint.tally(Balancers.ROUND_ROBIN.create(), allWarm, 1000)).containsEntry("a", 500)
                .containsEntry("b", 500);
    }

    @Test
    void loadBasedBalancersLetAWarmingEndpointTakePartWithItsWarmth() {
        List<Warming> equal = List.of(new Warming("warm", 1, 0, 1_000, 1.0), new Warming("cold", 1, 0, 1_000, 0.25));
        List<Warming> allWarm = List.of(new Warming("a", 1, 0, 1_000, 1.0), new Warming("b", 1, 0, 1_000, 1.0));
        for (Balancers kind : List.of(Balancers.LEAST_IN_FLIGHT, Balancers.P2C_EWMA)) {
            // idle and equally fast: warm, each takes half; warming at 0.25, the cold one takes a quarter of its half
            assertThat(share(TestEndpoint.tally(kind.create(), equal, PICKS), "cold")).as(kind.name())
                    .isCloseTo(0.125, within(0.02));
            assertThat(share(TestEndpoint.tally(kind.create(), allWarm, PICKS), "b")).as(kind.name())
                    .isCloseTo(0.5, within(0.02));
        }
        // when it takes part, the load still decides
        List<Warming> busyWarm = List.of(new Warming("warm", 1, 9, 1_000, 1.0), new Warming("cold", 1, 0, 1_000, 0.25));
        assertThat(share(TestEndpoint.tally(Balancers.LEAST_IN_FLIGHT.create(), busyWarm, PICKS), "cold"))
                .isCloseTo(0.25, within(0.02));
    }

    @Test
    void consistentHashingKeepsTheWarmthsShareOfAWarmingEndpointsKeysAndGrowsIt() {
        LoadBalancer balancer = Balancers.CONSISTENT_HASH.create();
        Set<Integer> ownedWarm = keysOf(balancer, 1.0);
        Set<Integer> keptAtQuarter = keysOf(balancer, 0.25);
        Set<Integer> keptAtHalf = keysOf(balancer, 0.5);

        assertThat(ownedWarm.size()).isBetween(3_000, 7_000);
        assertThat(keptAtQuarter.size() / (double) ownedWarm.size()).isCloseTo(0.25, within(0.03));
        assertThat(keptAtHalf.size() / (double) ownedWarm.size()).isCloseTo(0.5, within(0.03));
        assertThat(ownedWarm).containsAll(keptAtHalf);
        assertThat(keptAtHalf).as("a key it keeps stays as it warms").containsAll(keptAtQuarter);
    }

    private static Set<Integer> keysOf(LoadBalancer balancer, double warmth) {
        List<Warming> endpoints = List.of(Warming.of("a", 1, 1.0), Warming.of("b", 1, warmth));
        Set<Integer> keys = new HashSet<>();
        for (int key = 0; key < 10_000; key++) {
            if (balancer.pick(endpoints, key).id().equals("b")) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static double share(Map<String, Integer> counts, String id) {
        return counts.getOrDefault(id, 0) / (double) PICKS;
    }
}
