package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.client.SwivelClient;
import io.swivel.registry.RegistryPaths;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.config.ServerConfig;
import io.swivel.server.probe.Probe;
import io.swivel.server.probe.ProbeBundles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scaling out on one machine, as an autoscaler does it with pods: under steady load from a client
 * that discovers servers in ZooKeeper, a second server joins and gets calls within a second; then
 * it leaves on a graceful shutdown (what SIGTERM runs): it is gone from ZooKeeper before its port
 * stops accepting, its running call finishes, and no call fails.
 */
@Timeout(120)
class ScalingOutTest {

    private static final Duration WITHIN = Duration.ofSeconds(30); // generous: this machine may be shared by other builds

    @TempDir
    Path root;

    /** Calls greet from four threads until stopped; bounded in count and time. */
    private static final class Load implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong calls = new AtomicLong();
        final AtomicLong v1 = new AtomicLong();
        final AtomicLong v2 = new AtomicLong();
        final AtomicLong firstV2 = new AtomicLong();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> callers = new ArrayList<>();

        Load(Greeter greeter) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int t = 0; t < 4; t++) {
                callers.add(CompletableFuture.runAsync(() -> {
                    while (running.get() && calls.get() < 500_000 && System.nanoTime() < deadline) {
                        try {
                            String answer = greeter.greet("load");
                            calls.incrementAndGet();
                            if (answer.endsWith("(v2)")) {
                                firstV2.compareAndSet(0, System.nanoTime());
                                v2.incrementAndGet();
                            } else {
                                v1.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }));
            }
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (CompletableFuture<Void> caller : callers) {
                caller.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private LiveServer serverA() throws Exception {
        LiveServer a = LiveServer.start(root.resolve("a"), c -> {
            c.zookeeper = ServerConfig.EMBEDDED;
            c.embeddedZkPort = 0;
        });
        a.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
        return a;
    }

    /** Server B as a new pod starts: its bundles already in its deploy directory. */
    private LiveServer serverB(String zookeeper, boolean withProbe) throws Exception {
        Path deploy = root.resolve("b/deploy");
        TestBundles.deploy("greeter-v2", deploy, "greeter.jar");
        if (withProbe) {
            ProbeBundles.build(root.resolve("work"), deploy.resolve("probe.jar"), ProbeBundles.Options.healthy("1"));
        }
        return LiveServer.start(root.resolve("b"), c -> c.zookeeper = zookeeper);
    }

    @Test
    void aJoiningServerGetsCallsWithinASecondUnderLoad() throws Exception {
        try (LiveServer a = serverA();
             SwivelClient client = SwivelClient.builder().zookeeper(a.server.zookeeper().orElseThrow()).build()) {
            Greeter greeter = client.proxy(Greeter.class); // the default balancer, P2C over latency
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("x").equals("Hello, x (v1)"));
            LiveServer b = null;
            try (Load load = new Load(greeter)) {
                await().atMost(WITHIN).until(() -> load.v1.get() > 500);
                assertThat(load.v2.get()).isZero();

                b = serverB(a.server.zookeeper().orElseThrow(), false);
                long joined = System.nanoTime(); // serving and registering
                await().atMost(Duration.ofSeconds(1)).until(() -> load.firstV2.get() != 0);
                long joinMillis = TimeUnit.NANOSECONDS.toMillis(load.firstV2.get() - joined);

                // B starts cold (its first calls are slower), so the latency-aware balancer gives it a
                // smaller share at first; after a warm-up of 2 s it must take a fair part.
                long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                await().atMost(WITHIN).until(() -> System.nanoTime() - warm > 0);
                long v1Before = load.v1.get();
                long v2Before = load.v2.get();
                await().atMost(WITHIN).until(() -> load.v1.get() + load.v2.get() - v1Before - v2Before > 4000);
                load.close();
                long toA = load.v1.get() - v1Before;
                long toB = load.v2.get() - v2Before;
                double shareB = (double) toB / (toA + toB);
                System.out.printf("scaling out: B answered its first call %d ms after it started; after 2 s, B took %.0f%% "
                        + "of %d calls; %d calls in all, %d failed%n", joinMillis, shareB * 100, toA + toB,
                        load.calls.get(), load.failures.size());
                assertThat(joinMillis).as("first call on B after it started").isLessThan(1000);
                assertThat(shareB).as("B's share of the calls after it joined (A %d, B %d)", toA, toB).isGreaterThan(0.10);
                assertThat(load.failures).as("failed calls out of %d", load.calls.get()).isEmpty();
            } finally {
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    @Test
    void aLeavingServerDeregistersBeforeItsPortClosesAndNoCallFails() throws Exception {
        try (LiveServer a = serverA();
             SwivelClient client = SwivelClient.builder().zookeeper(a.server.zookeeper().orElseThrow()).build();
             CuratorFramework zk = ZooKeeperClients.connect(a.server.zookeeper().orElseThrow(), Duration.ofSeconds(10),
                     Duration.ofSeconds(10))) {
            LiveServer b = serverB(a.server.zookeeper().orElseThrow(), true);
            int bPort = b.server.rpcAddress().getPort();
            String greeterPath = RegistryPaths.SERVICES + "/" + TestBundles.GREETER;
            try {
                Greeter greeter = client.proxy(Greeter.class);
                Probe probe = client.proxy(Probe.class);
                await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
                assertThat(registered(zk, greeterPath, bPort)).isTrue();
                try (Load load = new Load(greeter)) {
                    await().atMost(WITHIN).until(() -> load.v1.get() > 200 && load.v2.get() > 200);

                    // a call that is still running on B when it starts to leave
                    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> probe.hold(1500));
                    await().atMost(WITHIN).until(() -> b.status(ProbeBundles.BUNDLE).active().inFlight() == 1);
                    long callsBefore = load.calls.get();
                    CompletableFuture<Void> leaving = CompletableFuture.runAsync(b::close); // what SIGTERM runs

                    // Each round: is the port refusing? then, is B still in ZooKeeper? A port that
                    // refuses while B is still listed would be caught here.
                    int refusedRounds = 0;
                    int listedWhileRefusing = 0;
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (System.nanoTime() < until && refusedRounds < 20) {
                        boolean refused = !accepts(bPort);
                        if (refused) {
                            zk.sync().forPath(greeterPath);
                            if (registered(zk, greeterPath, bPort)) {
                                listedWhileRefusing++;
                            }
                            refusedRounds++;
                        }
                    }
                    assertThat(refusedRounds).as("B's port closed").isEqualTo(20);
                    assertThat(listedWhileRefusing).as("rounds where B's port refused while B was still registered").isZero();

                    assertThat(slow.get(10, TimeUnit.SECONDS)).as("the call running on B finished during the drain").isEqualTo("1");
                    leaving.get(30, TimeUnit.SECONDS);
                    await().atMost(WITHIN).until(() -> load.calls.get() > callsBefore + 1000);
                    load.close();
                    System.out.printf("scaling in: %d calls while B left, %d failed%n", load.calls.get() - callsBefore,
                            load.failures.size());
                    assertThat(load.failures).as("failed calls out of %d", load.calls.get()).isEmpty();
                }
                assertThat(greeter.greet("x")).isEqualTo("Hello, x (v1)");
                assertThat(registered(zk, greeterPath, bPort)).isFalse();
            } finally {
                b.close();
            }
        }
    }

    private static boolean registered(CuratorFramework zk, String servicePath, int port) throws Exception {
        if (zk.checkExists().forPath(servicePath) == null) {
            return false;
        }
        return zk.getChildren().forPath(servicePath).stream().anyMatch(id -> id.endsWith(":" + port));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
