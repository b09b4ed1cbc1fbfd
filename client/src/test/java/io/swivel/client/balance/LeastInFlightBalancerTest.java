package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastInFlightBalancerTest {

    private final LoadBalancer balancer = Balancers.LEAST_IN_FLIGHT.create();

    @Test
    void picksTheMinimum() {
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.loaded("a", 5, 0), TestEndpoint.loaded("b", 3, 0),
                TestEndpoint.loaded("c", 1, 0), TestEndpoint.loaded("d", 4, 0));
        assertThat(TestEndpoint.tally(balancer, endpoints, 1_000)).containsOnlyKeys("c");
    }

    @Test
    void minimumIsFoundWherever() {
        for (int position = 0; position < 4; position++) {
            TestEndpoint[] endpoints = {
                TestEndpoint.loaded("a", 9, 0), TestEndpoint.loaded("b", 9, 0),
                TestEndpoint.loaded("c", 9, 0), TestEndpoint.loaded("d", 9, 0)};
            endpoints[position] = TestEndpoint.loaded("min", 2, 0);
            assertThat(balancer.pick(List.of(endpoints), null).id()).as("minimum at %d", position).isEqualTo("min");
        }
    }

    @Test
    void tiesAreSharedEvenly() {
        int picks = 30_000;
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.loaded("busy", 2, 0), TestEndpoint.loaded("idle1", 0, 0),
                TestEndpoint.loaded("busier", 7, 0), TestEndpoint.loaded("idle2", 0, 0),
                TestEndpoint.loaded("idle3", 0, 0));
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, picks);
        assertThat(counts).containsOnlyKeys("idle1", "idle2", "idle3").allSatisfy((id, count) ->
                assertThat(count / (double) picks).isCloseTo(1 / 3.0, within(0.03)));
    }

    @Test
    void firstTwoTiedBothGetPicked() {
        List<TestEndpoint> endpoints = List.of(TestEndpoint.loaded("a", 1, 0), TestEndpoint.loaded("b", 1, 0));
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, 10_000);
        assertThat(counts).containsOnlyKeys("a", "b");
        assertThat(counts.get("a") / 10_000.0).isCloseTo(0.5, within(0.03));
    }

    @Test
    void singleEndpointIsReturned() {
        TestEndpoint only = TestEndpoint.loaded("only", 1_000, 0);
        assertThat(balancer.pick(List.of(only), null)).isSameAs(only);
    }
}
