package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.client.ProxyOptions;
import io.swivel.client.SwivelClient;
import io.swivel.client.balance.Balancers;
import io.swivel.registry.InstanceInfo;
import io.swivel.registry.ServiceCatalog;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.config.Announce;
import io.swivel.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights and warm-up between real servers registered in a real (embedded) ZooKeeper, seen by a
 * discovering client: servers of weight 100 and 300 split the calls of the weighted balancer about
 * 1:3; a server that joins with a (shortened) warm-up takes a small share of the default
 * balancer's calls at first and its full share once the window has passed, with no call failing.
 */
@Timeout(180)
class WeightsAndWarmUpTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private LiveServer server(String name, String artifact, String zookeeper, int weight, Duration warmup,
                              Map<String, Integer> bundleWeights) throws Exception {
        TestBundles.deploy(artifact, root.resolve(name).resolve("deploy"), "greeter.jar");
        return LiveServer.start(root.resolve(name), c -> {
            c.zookeeper = zookeeper;
            c.embeddedZkPort = 0;
            c.announce = new Announce(null, 0, weight, warmup, null, bundleWeights);
        });
    }

    @Test
    void weights100And300SplitTheCallsAboutOneToThree() throws Exception {
        try (LiveServer small = server("small", "greeter-v1", ServerConfig.EMBEDDED, 100, Duration.ZERO, Map.of());
             LiveServer big = server("big", "greeter-v2", small.server.zookeeper().orElseThrow(), 50, Duration.ZERO,
                     Map.of("greeter", 300));
             CuratorFramework zk = ZooKeeperClients.connect(small.server.zookeeper().orElseThrow(), Duration.ofSeconds(10),
                     Duration.ofSeconds(10));
             ServiceCatalog catalog = ServiceCatalog.watch(zk, Duration.ofSeconds(10));
             SwivelClient client = SwivelClient.builder().zookeeper(small.server.zookeeper().orElseThrow()).build()) {
            await().atMost(WITHIN).until(() -> catalog.instances(TestBundles.GREETER).size() == 2);
            assertThat(catalog.instances(TestBundles.GREETER)).extracting(InstanceInfo::weight)
                    .as("--bundle-weights greeter=300 replaces --weight 50").containsExactlyInAnyOrder(100, 300);
            assertThat(catalog.instances(TestBundles.GREETER)).extracting(InstanceInfo::adminAddress)
                    .containsExactlyInAnyOrder("127.0.0.1:" + small.server.adminAddress().getPort(),
                            "127.0.0.1:" + big.server.adminAddress().getPort());
            Greeter greeter = client.proxy(Greeter.class, ProxyOptions.defaults().withBalancer(Balancers.WEIGHTED));
            await().atMost(WITHIN).ignoreExceptions().until(() -> {
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    seen.add(greeter.greet("x"));
                }
                return seen.contains("Hello, x (v1)") && seen.contains("Hello, x (v2)");
            });

            int calls = 4000;
            int toBig = 0;
            for (int i = 0; i < calls; i++) {
                if (greeter.greet("x").endsWith("(v2)")) {
                    toBig++;
                }
            }
            double share = toBig / (double) calls;
            System.out.printf("weights 100/300: the weight-300 server took %d of %d calls (%.3f)%n", toBig, calls, share);
            // binomial standard deviation at 4000 calls: 0.0068; the tolerance is about 6 of them
            assertThat(share).as("share of the weight-300 server").isBetween(0.71, 0.79);
        }
    }

    @Test
    void aJoiningServersShareRampsOverItsWarmUpAndNoCallFails() throws Exception {
        Duration warmup = Duration.ofSeconds(6);
        try (LiveServer a = server("a", "greeter-v1", ServerConfig.EMBEDDED, 100, Duration.ZERO, Map.of());
             SwivelClient client = SwivelClient.builder().zookeeper(a.server.zookeeper().orElseThrow()).build()) {
            Greeter greeter = client.proxy(Greeter.class); // the default balancer: power of two choices
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("x").equals("Hello, x (v1)"));
            ConcurrentLinkedQueue<long[]> answers = new ConcurrentLinkedQueue<>(); // {nanoTime, 1 if B}
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            List<CompletableFuture<Void>> callers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                callers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 400_000 && running.get() && System.nanoTime() < deadline; i++) {
                        try {
                            boolean b = greeter.greet("load").endsWith("(v2)");
                            answers.add(new long[] {System.nanoTime(), b ? 1 : 0});
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            try (LiveServer b = server("b", "greeter-v2", a.server.zookeeper().orElseThrow(), 100, warmup, Map.of())) {
                await().atMost(WITHIN).until(() -> answers.stream().anyMatch(answer -> answer[1] == 1));
                long first = answers.stream().filter(answer -> answer[1] == 1).mapToLong(answer -> answer[0]).min().orElseThrow();
                long windowEnd = first + warmup.toNanos();
                long settled = windowEnd + TimeUnit.SECONDS.toNanos(3);
                await().atMost(WITHIN.plus(warmup)).until(() -> System.nanoTime() - settled > 0);
                running.set(false);
                for (CompletableFuture<Void> caller : callers) {
                    caller.get(30, TimeUnit.SECONDS);
                }
                double[] shares = new double[4];
                long[] counts = new long[4];
                for (int q = 0; q < 3; q++) {
                    long from = first + warmup.toNanos() * q / 3;
                    long to = first + warmup.toNanos() * (q + 1) / 3;
                    shares[q] = share(answers, from, to);
                    counts[q] = count(answers, from, to);
                }
                shares[3] = share(answers, windowEnd + TimeUnit.SECONDS.toNanos(1), settled);
                counts[3] = count(answers, windowEnd + TimeUnit.SECONDS.toNanos(1), settled);
                System.out.printf("warm-up %d s: the joining server's share by third of its window %.3f, %.3f, %.3f "
                        + "(of %d, %d, %d calls), after it %.3f (of %d calls); %d calls in all, %d failed%n",
                        warmup.toSeconds(), shares[0], shares[1], shares[2], counts[0], counts[1], counts[2], shares[3],
                        counts[3], answers.size(), failures.size());
                assertThat(failures).as("failed calls out of %d", answers.size()).isEmpty();
                assertThat(java.util.Arrays.stream(counts).min().orElseThrow()).as("calls in each window").isGreaterThan(30);
                // The warmth averages 0.21 over the first third and P2C's feedback raises the share above that
                // (seen: 0.066 to 0.254 on this shared machine, against about 0.5 once warm): a small share that grows.
                assertThat(shares[0]).as("first third of the window").isGreaterThan(0).isLessThan(shares[3] * 0.75);
                assertThat(shares[0]).as("first vs last third").isLessThan(shares[2]);
                assertThat(shares[3]).as("after the window").isGreaterThan(0.3);
            } finally {
                running.set(false);
            }
        }
    }

    private static double share(ConcurrentLinkedQueue<long[]> answers, long from, long to) {
        long all = count(answers, from, to);
        long toB = answers.stream().filter(answer -> answer[0] >= from && answer[0] < to && answer[1] == 1).count();
        return all == 0 ? 0 : toB / (double) all;
    }

    private static long count(ConcurrentLinkedQueue<long[]> answers, long from, long to) {
        return answers.stream().filter(answer -> answer[0] >= from && answer[0] < to).count();
    }
}
