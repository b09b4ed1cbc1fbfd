package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedRandomBalancerTest {

    private static final int PICKS = 100_000;

    private final LoadBalancer balancer = Balancers.WEIGHTED.create();

    @Test
    void sharesFollowWeights() {
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.weighted("one", 1), TestEndpoint.weighted("two", 2), TestEndpoint.weighted("seven", 7));
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, PICKS);
        assertThat(share(counts, "one")).isCloseTo(0.10, within(0.02));
        assertThat(share(counts, "two")).isCloseTo(0.20, within(0.02));
        assertThat(share(counts, "seven")).isCloseTo(0.70, within(0.02));
    }

    @Test
    void weightsBelowOneCountAsOne() {
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.weighted("zero", 0), TestEndpoint.weighted("negative", -5), TestEndpoint.weighted("two", 2));
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, PICKS);
        assertThat(share(counts, "zero")).isCloseTo(0.25, within(0.02));
        assertThat(share(counts, "negative")).isCloseTo(0.25, within(0.02));
        assertThat(share(counts, "two")).isCloseTo(0.50, within(0.02));
    }

    @Test
    void hugeWeightsDoNotOverflow() {
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.weighted("a", Integer.MAX_VALUE), TestEndpoint.weighted("b", Integer.MAX_VALUE),
                TestEndpoint.weighted("c", Integer.MAX_VALUE));
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, PICKS);
        assertThat(counts).hasSize(3).allSatisfy((id, count) ->
                assertThat(count / (double) PICKS).isCloseTo(1 / 3.0, within(0.02)));
    }

    @Test
    void followsWeightChangesBetweenCalls() {
        List<TestEndpoint> before = List.of(TestEndpoint.weighted("a", 1), TestEndpoint.weighted("b", 9));
        List<TestEndpoint> after = List.of(TestEndpoint.weighted("a", 9), TestEndpoint.weighted("b", 1));
        assertThat(share(TestEndpoint.tally(balancer, before, PICKS), "a")).isCloseTo(0.10, within(0.02));
        assertThat(share(TestEndpoint.tally(balancer, after, PICKS), "a")).isCloseTo(0.90, within(0.02));
    }

    private static double share(Map<String, Integer> counts, String id) {
        return counts.getOrDefault(id, 0) / (double) PICKS;
    }
}
