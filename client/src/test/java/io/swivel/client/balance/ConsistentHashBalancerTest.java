package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConsistentHashBalancerTest {

    private static final int KEYS = 10_000;

    private final LoadBalancer balancer = Balancers.CONSISTENT_HASH.create();

    @Test
    void sameKeyAlwaysMapsToTheSameEndpoint() {
        List<TestEndpoint> endpoints = TestEndpoint.named(5);
        for (int k = 0; k < 200; k++) {
            String key = "user-" + k;
            String first = balancer.pick(endpoints, key).id();
            for (int repeat = 0; repeat < 20; repeat++) {
                assertThat(balancer.pick(endpoints, key).id()).isEqualTo(first);
            }
        }
    }

    @Test
    void mappingIsTheSameAcrossInstancesAndListOrders() {
        List<TestEndpoint> endpoints = TestEndpoint.named(5);
        List<TestEndpoint> shuffled = new ArrayList<>(endpoints);
        Collections.shuffle(shuffled, new Random(42));
        LoadBalancer other = Balancers.CONSISTENT_HASH.create();
        Map<String, String> before = assign(balancer, endpoints);
        assertThat(assign(other, shuffled)).isEqualTo(before);
        // The same instance, switching between orders of one set, re-indexes its cached ring.
        assertThat(assign(balancer, shuffled)).isEqualTo(before);
        assertThat(assign(balancer, endpoints)).isEqualTo(before);
    }

    @Test
    void keysSpreadOverAllEndpoints() {
        Map<String, String> owners = assign(balancer, TestEndpoint.named(5));
        Map<String, Integer> counts = new HashMap<>();
        owners.values().forEach(id -> counts.merge(id, 1, Integer::sum));
        assertThat(counts).hasSize(5).allSatisfy((id, count) ->
                assertThat(count / (double) KEYS).isBetween(0.10, 0.30));
    }

    @Test
    void joiningEndpointTakesOnlyItsShare() {
        List<TestEndpoint> five = TestEndpoint.named(5);
        List<TestEndpoint> six = TestEndpoint.named(6);
        Map<String, String> before = assign(balancer, five);
        Map<String, String> after = assign(balancer, six);
        int moved = 0;
        for (Map.Entry<String, String> entry : before.entrySet()) {
            String now = after.get(entry.getKey());
            if (!now.equals(entry.getValue())) {
                moved++;
                assertThat(now).as("new owner of %s", entry.getKey()).isEqualTo("e5");
            }
        }
        // Ideal: 1/6 ≈ 16.7%.
        assertThat(moved / (double) KEYS).isGreaterThan(0.08).isLessThan(0.25);
    }

    @Test
    void leavingEndpointGivesUpOnlyItsKeys() {
        List<TestEndpoint> five = TestEndpoint.named(5);
        List<TestEndpoint> four = new ArrayList<>(five);
        four.remove(2);
        Map<String, String> before = assign(balancer, five);
        Map<String, String> after = assign(balancer, four);
        int moved = 0;
        for (Map.Entry<String, String> entry : before.entrySet()) {
            String now = after.get(entry.getKey());
            if (entry.getValue().equals("e2")) {
                moved++;
                assertThat(now).isNotEqualTo("e2");
            } else {
                assertThat(now).as("owner of %s", entry.getKey()).isEqualTo(entry.getValue());
            }
        }
        assertThat(moved).isPositive();
        // And when it comes back, every key returns to where it was.
        assertThat(assign(balancer, five)).isEqualTo(before);
    }

    @Test
    void numbersAndTheirTextAreTheSameKey() {
        List<TestEndpoint> endpoints = TestEndpoint.named(5);
        for (int k = 0; k < 100; k++) {
            String owner = balancer.pick(endpoints, String.valueOf(k)).id();
            assertThat(balancer.pick(endpoints, k).id()).isEqualTo(owner);
            assertThat(balancer.pick(endpoints, (long) k).id()).isEqualTo(owner);
        }
    }

    @Test
    void byteArrayKeysHashTheirContents() {
        List<TestEndpoint> endpoints = TestEndpoint.named(5);
        for (int k = 0; k < 100; k++) {
            byte[] key = ("key" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(balancer.pick(endpoints, key.clone()).id())
                    .isEqualTo(balancer.pick(endpoints, "key" + k).id());
        }
    }

    @Test
    void nullKeyIsDeterministic() {
        List<TestEndpoint> endpoints = TestEndpoint.named(5);
        String owner = balancer.pick(endpoints, null).id();
        assertThat(TestEndpoint.tally(balancer, endpoints, 100)).containsOnlyKeys(owner);
        assertThat(Balancers.CONSISTENT_HASH.create().pick(endpoints, null).id()).isEqualTo(owner);
    }

    @Test
    void singleEndpointIsReturned() {
        TestEndpoint only = TestEndpoint.of("only");
        assertThat(balancer.pick(List.of(only), "anything")).isSameAs(only);
    }

    @Test
    void returnsTheInstanceFromTheCurrentList() {
        List<TestEndpoint> endpoints = TestEndpoint.named(3);
        balancer.pick(endpoints, "k");
        // Equal ids, new objects (say, the pool reconnected): the cached ring must not hand back stale ones.
        List<TestEndpoint> fresh = List.of(
                TestEndpoint.loaded("e0", 1, 0), TestEndpoint.loaded("e1", 1, 0), TestEndpoint.loaded("e2", 1, 0));
        for (int k = 0; k < 100; k++) {
            Endpoint picked = balancer.pick(fresh, "key" + k);
            assertThat(fresh).anySatisfy(e -> assertThat(e).isSameAs(picked));
        }
    }

    @Test
    void hashIsStable() {
        // Changing the hash would move every key between releases; these pin it (FNV-1a 64 + fmix64).
        assertThat(Hash64.of("")).isEqualTo(-1166397803181037274L);
        assertThat(Hash64.of("a")).isEqualTo(-9033471704281723301L);
        assertThat(Hash64.of("127.0.0.1:7700#0")).isEqualTo(-3733613773870397913L);
        assertThat(Hash64.of("é")).isEqualTo(-7109551338664069573L);
    }

    /** The owner of each of {@link #KEYS} distinct keys. */
    private static Map<String, String> assign(LoadBalancer balancer, List<TestEndpoint> endpoints) {
        Map<String, String> owners = new HashMap<>();
        for (int k = 0; k < KEYS; k++) {
            String key = "order-" + k;
            owners.put(key, balancer.pick(endpoints, key).id());
        }
        return owners;
    }
}
