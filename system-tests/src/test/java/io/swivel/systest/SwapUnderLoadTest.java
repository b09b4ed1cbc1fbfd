package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.client.SwivelClient;
import io.swivel.systest.api.Swap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot deploy loses nothing: a real server process, several client threads calling without
 * pause, and the bundle replaced again and again (v1 and v2, each written beside the jar and
 * renamed over it). No call may fail, and every answer must come from a version whose activator
 * had finished starting and had not yet stopped.
 */
@Timeout(300)
class SwapUnderLoadTest {

    private static final int SWAPS = 50;
    private static final int THREADS = 6;
    /** Bounds of the load: calls per thread, and time. */
    private static final long MAX_CALLS_PER_THREAD = 5_000_000;
    private static final Duration MAX_LOAD_TIME = Duration.ofSeconds(200);
    /** How long each version's activator takes to start: long enough that a call served early would be seen. */
    private static final long START_MILLIS = 50;

    @TempDir
    Path root;

    @Test
    void fiftySwapsUnderLoadLoseNoCallAndServeOnlyStartedVersions() throws Exception {
        Path v1 = SystestBundles.swap(root.resolve("work"), "1.0.0", "v1", START_MILLIS);
        Path v2 = SystestBundles.swap(root.resolve("work"), "2.0.0", "v2", START_MILLIS);
        try (ServerProcess server = ServerProcess.start("swap-under-load", root, "none",
                "--probation", "0s", "--drain-timeout", "10s")) {
            server.moveIn(v1, "swap.jar");
            awaitServing(server, "1.0.0");
            try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort())
                    .timeout(Duration.ofSeconds(10)).build()) {
                Swap swap = client.proxy(Swap.class);
                assertThat(swap.answer()).isEqualTo("v1");

                Map<String, LongAdder> answers = new ConcurrentHashMap<>();
                Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
                AtomicBoolean stop = new AtomicBoolean();
                long loadDeadline = System.nanoTime() + MAX_LOAD_TIME.toNanos();
                ExecutorService callers = Executors.newFixedThreadPool(THREADS);
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    running.add(callers.submit(() -> {
                        for (long i = 0; i < MAX_CALLS_PER_THREAD && !stop.get() && System.nanoTime() - loadDeadline < 0; i++) {
                            try {
                                answers.computeIfAbsent(swap.answer(), a -> new LongAdder()).increment();
                            } catch (RuntimeException e) {
                                failures.add(e);
                            }
                        }
                    }));
                }
                long start = System.nanoTime();
                List<Long> swapMillis = new ArrayList<>();
                try {
                    for (int i = 1; i <= SWAPS; i++) {
                        boolean toV2 = i % 2 == 1;
                        long swapStart = System.nanoTime();
                        server.moveIn(toV2 ? v2 : v1, "swap.jar");
                        awaitServing(server, toV2 ? "2.0.0" : "1.0.0");
                        swapMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - swapStart));
                    }
                } finally {
                    stop.set(true);
                    for (Future<?> caller : running) {
                        caller.get(60, TimeUnit.SECONDS);
                    }
                    callers.shutdown();
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                Map<String, Long> counts = new TreeMap<>();
                answers.forEach((answer, count) -> counts.put(answer, count.sum()));
                long calls = counts.values().stream().mapToLong(Long::longValue).sum() + failures.size();
                swapMillis.sort(null);
                System.out.printf("SYSTEST swap-under-load: %d swaps in %d ms under %d client threads: %d calls "
                                + "(%.0f/s), %d failed, answers %s; jar renamed -> new version serving: median %d ms, max %d ms%n",
                        SWAPS, millis, THREADS, calls, calls * 1000.0 / millis, failures.size(), counts,
                        swapMillis.get(swapMillis.size() / 2), swapMillis.get(swapMillis.size() - 1));

                assertThat(failures.stream().limit(10).map(Throwable::toString).toList())
                        .as("calls that failed during the swaps (first 10 of %d)", failures.size()).isEmpty();
                assertThat(counts.keySet()).as("every answer comes from a started v1 or v2, none from a version "
                        + "still starting or already stopped").containsOnly("v1", "v2");
                assertThat(counts.get("v1")).isPositive();
                assertThat(counts.get("v2")).as("v2 served calls between the swaps").isPositive();
                assertThat(calls).as("the load kept calling during all the swaps").isGreaterThan(SWAPS * THREADS);
            }
            assertThat(server.output()).doesNotContain("Exception in thread");
        }
    }

    private static void awaitServing(ServerProcess server, String version) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> server.markerText("swap.jar", ".deployed").contains("version: " + version + "\n"));
    }
}
