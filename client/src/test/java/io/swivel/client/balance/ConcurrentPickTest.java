package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrentPickTest {

    private static final int THREADS = 8;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void roundRobinDistributesExactlyUnderContention() throws Exception {
        LoadBalancer balancer = Balancers.ROUND_ROBIN.create();
        List<TestEndpoint> endpoints = TestEndpoint.named(5);
        int picksPerThread = 25_000;
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        runConcurrently(() -> {
            for (int i = 0; i < picksPerThread; i++) {
                counts.computeIfAbsent(balancer.pick(endpoints, null).id(), id -> new LongAdder()).increment();
            }
            return null;
        });
        long expected = (long) THREADS * picksPerThread / endpoints.size();
        assertThat(counts).hasSize(5).allSatisfy((id, count) -> assertThat(count.sum()).isEqualTo(expected));
    }

    @Test
    void consistentHashStaysCorrectWhileTheSetChanges() throws Exception {
        List<TestEndpoint> five = TestEndpoint.named(5);
        List<TestEndpoint> six = TestEndpoint.named(6);
        List<TestEndpoint> fiveReversed = new ArrayList<>(five);
        Collections.reverse(fiveReversed);
        List<List<TestEndpoint>> sets = List.of(five, six, fiveReversed);
        int keys = 500;
        Map<String, String> onFive = new HashMap<>();
        Map<String, String> onSix = new HashMap<>();
        LoadBalancer reference = Balancers.CONSISTENT_HASH.create();
        for (int k = 0; k < keys; k++) {
            onFive.put("k" + k, reference.pick(five, "k" + k).id());
            onSix.put("k" + k, reference.pick(six, "k" + k).id());
        }
        // One shared instance; every thread keeps switching sets, so the cached ring is replaced
        // and re-indexed under the other threads' feet.
        LoadBalancer shared = Balancers.CONSISTENT_HASH.create();
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicInteger threads = new AtomicInteger();
        runConcurrently(() -> {
            int thread = threads.getAndIncrement();
            for (int round = 0; round < 8; round++) {
                for (int k = 0; k < keys; k++) {
                    List<TestEndpoint> set = sets.get((thread + round + k) % 3);
                    String key = "k" + k;
                    String expected = (set == six ? onSix : onFive).get(key);
                    String actual = shared.pick(set, key).id();
                    if (!actual.equals(expected)) {
                        wrong.add(key + " -> " + actual + " (expected " + expected + ")");
                    }
                }
            }
            return null;
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyBalancerSurvivesConcurrentPicks() throws Exception {
        List<TestEndpoint> endpoints = List.of(
                new TestEndpoint("a", 1, 0, 1_000), new TestEndpoint("b", 2, 1, 2_000),
                new TestEndpoint("c", 3, 2, 0));
        for (Balancers kind : Balancers.values()) {
            LoadBalancer balancer = kind.create();
            LongAdder picks = new LongAdder();
            runConcurrently(() -> {
                for (int i = 0; i < 10_000; i++) {
                    Endpoint picked = balancer.pick(endpoints, i);
                    if (endpoints.contains(picked)) {
                        picks.increment();
                    }
                }
                return null;
            });
            assertThat(picks.sum()).as(kind.name()).isEqualTo(THREADS * 10_000L);
        }
    }

    /** Runs {@code task} on every pool thread at once and waits, bounded, for all to finish. */
    private void runConcurrently(Callable<Void> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            done.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        start.countDown();
        for (Future<Void> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
    }
}
