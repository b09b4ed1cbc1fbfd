package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PowerOfTwoChoicesBalancerTest {

    private static final int PICKS = 20_000;

    private final LoadBalancer balancer = Balancers.P2C_EWMA.create();

    @Test
    void isTheDefault() {
        assertThat(Balancers.DEFAULT).isEqualTo(Balancers.P2C_EWMA);
    }

    @Test
    void slowEndpointGetsFewPicks() {
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.loaded("fast1", 0, 1_000_000), TestEndpoint.loaded("slow", 0, 10_000_000),
                TestEndpoint.loaded("fast2", 0, 1_000_000));
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, PICKS);
        assertThat(counts.getOrDefault("slow", 0) / (double) PICKS).isLessThan(0.20);
        assertThat(counts.get("fast1") / (double) PICKS).isCloseTo(0.5, within(0.05));
        assertThat(counts.get("fast2") / (double) PICKS).isCloseTo(0.5, within(0.05));
    }

    @Test
    void slowEndpointStillServesWhenTheFastOneQueuesUp() {
        // Calls pile up on whichever endpoint is picked and all finish every 50 picks: the fast one
        // takes calls until its queue costs more than the slow one's latency, then the slow one gets one.
        SimulatedEndpoint fast = new SimulatedEndpoint("fast", 1_000_000);
        SimulatedEndpoint slow = new SimulatedEndpoint("slow", 10_000_000);
        List<SimulatedEndpoint> endpoints = List.of(fast, slow);
        int slowPicks = 0;
        for (int i = 1; i <= PICKS; i++) {
            SimulatedEndpoint picked = (SimulatedEndpoint) balancer.pick(endpoints, null);
            picked.inFlight.incrementAndGet();
            if (picked == slow) {
                slowPicks++;
            }
            if (i % 50 == 0) {
                fast.inFlight.set(0);
                slow.inFlight.set(0);
            }
        }
        assertThat(slowPicks / (double) PICKS).isGreaterThan(0.0).isLessThan(0.20);
    }

    @Test
    void withEqualLatenciesTheBusierGetsFewerPicks() {
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.loaded("a", 1, 2_000_000), TestEndpoint.loaded("busy", 6, 2_000_000),
                TestEndpoint.loaded("b", 1, 2_000_000));
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, PICKS);
        int busy = counts.getOrDefault("busy", 0);
        assertThat(busy).isLessThan(counts.get("a")).isLessThan(counts.get("b"));
        assertThat(busy / (double) PICKS).isLessThan(0.20);
    }

    @Test
    void costIsLatencyTimesLoad() {
        // 10 ms × (0 + 1) = 10 ms beats 1 ms × (20 + 1) = 21 ms.
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.loaded("slowIdle", 0, 10_000_000), TestEndpoint.loaded("fastBusy", 20, 1_000_000));
        assertThat(TestEndpoint.tally(balancer, endpoints, 1_000)).containsOnlyKeys("slowIdle");
        // 10 ms × 1 loses to 1 ms × (5 + 1) = 6 ms.
        List<TestEndpoint> lighter = List.of(
                TestEndpoint.loaded("slowIdle", 0, 10_000_000), TestEndpoint.loaded("fastBusy", 5, 1_000_000));
        assertThat(TestEndpoint.tally(balancer, lighter, 1_000)).containsOnlyKeys("fastBusy");
    }

    @Test
    void equalCostsAreSharedEvenly() {
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.loaded("a", 2, 3_000_000), TestEndpoint.loaded("b", 2, 3_000_000));
        Map<String, Integer> counts = TestEndpoint.tally(balancer, endpoints, PICKS);
        assertThat(counts.get("a") / (double) PICKS).isCloseTo(0.5, within(0.03));
    }

    @Test
    void unknownLatenciesCompareByInFlight() {
        List<TestEndpoint> endpoints = List.of(TestEndpoint.loaded("busy", 3, 0), TestEndpoint.loaded("idle", 0, 0));
        assertThat(TestEndpoint.tally(balancer, endpoints, 1_000)).containsOnlyKeys("idle");
    }

    @Test
    void unknownLatencyBorrowsTheOtherCandidates() {
        TestEndpoint known = TestEndpoint.loaded("known", 0, 5_000_000);
        // Equal load: the newcomer costs as much as the known endpoint, so they share.
        Map<String, Integer> even = TestEndpoint.tally(balancer, List.of(known, TestEndpoint.loaded("new", 0, 0)), PICKS);
        assertThat(even.get("new") / (double) PICKS).isCloseTo(0.5, within(0.03));
        // An idle newcomer beats a busy known endpoint, however fast ...
        List<TestEndpoint> busyKnown = List.of(TestEndpoint.loaded("known", 2, 1), TestEndpoint.loaded("new", 0, 0));
        assertThat(TestEndpoint.tally(balancer, busyKnown, 1_000)).containsOnlyKeys("new");
        // ... but is not flooded once it has calls in flight.
        List<TestEndpoint> busyNew = List.of(known, TestEndpoint.loaded("new", 4, 0));
        assertThat(TestEndpoint.tally(balancer, busyNew, 1_000)).containsOnlyKeys("known");
    }

    @Test
    void extremeValuesDoNotOverflow() {
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.loaded("swamped", Integer.MAX_VALUE, Long.MAX_VALUE / 2),
                TestEndpoint.loaded("fine", 1, 1_000_000));
        assertThat(TestEndpoint.tally(balancer, endpoints, 1_000)).containsOnlyKeys("fine");
    }

    @Test
    void picksTwoDistinctCandidates() {
        // The endpoint that is never the cheaper one can only be picked if it is drawn twice.
        List<TestEndpoint> endpoints = List.of(
                TestEndpoint.loaded("worst", 9, 9_000_000), TestEndpoint.loaded("a", 0, 1_000_000),
                TestEndpoint.loaded("b", 0, 1_000_000), TestEndpoint.loaded("c", 0, 1_000_000));
        assertThat(TestEndpoint.tally(balancer, endpoints, PICKS)).doesNotContainKey("worst").hasSize(3);
    }

    @Test
    void singleEndpointIsReturned() {
        TestEndpoint only = TestEndpoint.loaded("only", 100, 100_000_000);
        assertThat(balancer.pick(List.of(only), null)).isSameAs(only);
    }

    /** An endpoint whose in-flight count the test drives. */
    private static final class SimulatedEndpoint implements Endpoint {

        final AtomicInteger inFlight = new AtomicInteger();
        private final String id;
        private final long latency;

        SimulatedEndpoint(String id, long latency) {
            this.id = id;
            this.latency = latency;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public int weight() {
            return 1;
        }

        @Override
        public int inFlight() {
            return inFlight.get();
        }

        @Override
        public long latencyEwmaNanos() {
            return latency;
        }
    }
}
