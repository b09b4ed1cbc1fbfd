package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomBalancerTest {

    private static final int PICKS = 100_000;

    private final LoadBalancer balancer = Balancers.RANDOM.create();

    @Test
    void spreadsUniformly() {
        List<TestEndpoint> endpoints = TestEndpoint.named(4);
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, PICKS);
        // One standard deviation of a share is ~0.14% here: ±2% is far outside chance.
        assertThat(counts).hasSize(4).allSatisfy((id, count) ->
                assertThat(count / (double) PICKS).isCloseTo(0.25, within(0.02)));
    }

    @Test
    void ignoresWeightsAndLoad() {
        List<TestEndpoint> endpoints = List.of(
                new TestEndpoint("heavy", 100, 50, 1_000_000), TestEndpoint.of("light"));
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, PICKS);
        assertThat(counts.get("light") / (double) PICKS).isCloseTo(0.5, within(0.02));
    }

    @Test
    void singleEndpointIsReturned() {
        TestEndpoint only = TestEndpoint.of("only");
        assertThat(balancer.pick(List.of(only), "key")).isSameAs(only);
    }
}
