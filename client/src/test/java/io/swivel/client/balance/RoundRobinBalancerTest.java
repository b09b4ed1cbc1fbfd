package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {

    private final LoadBalancer balancer = Balancers.ROUND_ROBIN.create();

    @Test
    void cyclesThroughAllInListOrder() {
        List<TestEndpoint> endpoints = TestEndpoint.named(4);
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            picked.add(balancer.pick(endpoints, null).id());
        }
        assertThat(picked).containsExactly(
                "e0", "e1", "e2", "e3", "e0", "e1", "e2", "e3", "e0", "e1", "e2", "e3");
    }

    @Test
    void distributesExactlyEvenly() {
        List<TestEndpoint> endpoints = TestEndpoint.named(7);
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, 7 * 1_000);
        assertThat(counts).hasSize(7).allSatisfy((id, count) -> assertThat(count).isEqualTo(1_000));
    }

    @Test
    void keepsCyclingWhenTheListChangesSize() {
        List<TestEndpoint> three = TestEndpoint.named(3);
        List<TestEndpoint> five = TestEndpoint.named(5);
        List<TestEndpoint> two = TestEndpoint.named(2);
        for (int i = 0; i < 4; i++) {
            balancer.pick(three, null);
        }
        // Whatever the counter's position, the next n picks from an n-list visit each endpoint once.
        assertThat(idsOfPicks(five, 5)).containsExactlyInAnyOrder("e0", "e1", "e2", "e3", "e4");
        assertThat(idsOfPicks(two, 2)).containsExactlyInAnyOrder("e0", "e1");
        assertThat(TestEndpoint.tally(balancer, five, 500)).allSatisfy((id, count) -> assertThat(count).isEqualTo(100));
        assertThat(balancer.pick(List.of(TestEndpoint.of("only")), null).id()).isEqualTo("only");
    }

    @Test
    void indexStaysInRangeWhenTheCounterWraps() {
        LoadBalancer wrapping = new RoundRobinBalancer(Long.MAX_VALUE - 4);
        List<TestEndpoint> endpoints = TestEndpoint.named(3);
        List<String> picked = idsOfPicks(wrapping, endpoints, 10);
        assertThat(picked).hasSize(10).allSatisfy(id -> assertThat(id).isIn("e0", "e1", "e2"));
    }

    @Test
    void instancesCountIndependently() {
        LoadBalancer other = Balancers.ROUND_ROBIN.create();
        List<TestEndpoint> endpoints = TestEndpoint.named(3);
        balancer.pick(endpoints, null);
        balancer.pick(endpoints, null);
        assertThat(other.pick(endpoints, null).id()).isEqualTo("e0");
    }

    private List<String> idsOfPicks(List<TestEndpoint> endpoints, int picks) {
        return idsOfPicks(balancer, endpoints, picks);
    }

    private static List<String> idsOfPicks(LoadBalancer balancer, List<TestEndpoint> endpoints, int picks) {
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < picks; i++) {
            picked.add(balancer.pick(endpoints, null).id());
        }
        return picked;
    }
}
