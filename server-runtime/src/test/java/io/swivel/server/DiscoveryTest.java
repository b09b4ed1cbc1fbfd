package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.client.ProxyOptions;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.client.balance.Balancers;
import io.swivel.protocol.Status;
import io.swivel.samples.greeter.Greeter;
import io.swivel.registry.RegistryPaths;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.server.internal.cluster.ClusterCommands;
import io.swivel.server.internal.cluster.DesiredVersion;
import io.swivel.server.internal.cluster.DesiredVersions;
import io.swivel.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that find servers in ZooKeeper: they balance over every server of a service, use a
 * server that joins within a second, honour a version constraint, and lose no call when a
 * server shuts down gracefully.
 */
@Timeout(120)
class DiscoveryTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private LiveServer first() throws Exception {
        LiveServer first = LiveServer.start(root.resolve("a"), c -> {
            c.zookeeper = ServerConfig.EMBEDDED;
            c.embeddedZkPort = 0;
        });
        first.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
        return first;
    }

    private LiveServer joining(String name, String zookeeper, String artifact) throws Exception {
        Path deploy = root.resolve(name).resolve("deploy");
        TestBundles.deploy(artifact, deploy, "greeter.jar");
        return LiveServer.start(root.resolve(name), c -> c.zookeeper = zookeeper);
    }

    @Test
    void callsSpreadOverEveryServerAndANewServerIsUsedWithinASecond() throws Exception {
        try (LiveServer a = first()) {
            String zk = a.server.zookeeper().orElseThrow();
            try (SwivelClient client = SwivelClient.builder().zookeeper(zk).build()) {
                Greeter greeter = client.proxy(Greeter.class, ProxyOptions.defaults().withBalancer(Balancers.ROUND_ROBIN));
                await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
                try (LiveServer b = joining("b", zk, "greeter-v2")) {
                    long joined = System.nanoTime();
                    await().atMost(Duration.ofSeconds(1)).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined);
                    Set<String> answers = new HashSet<>();
                    for (int i = 0; i < 20; i++) {
                        answers.add(greeter.greet("Ada"));
                    }
                    assertThat(answers).as("round robin over both (new server used after %d ms)", millis)
                            .containsExactlyInAnyOrder("Hello, Ada (v1)", "Hello, Ada (v2)");

                    Greeter onlyV2 = client.proxy(Greeter.class, ProxyOptions.defaults().withVersion("2.*"));
                    for (int i = 0; i < 10; i++) {
                        assertThat(onlyV2.greet("Ada")).isEqualTo("Hello, Ada (v2)");
                    }
                    Greeter v3 = client.proxy(Greeter.class, ProxyOptions.defaults().withVersion("3.0.0"));
                    assertThatThrownBy(() -> v3.greet("Ada")).isInstanceOfSatisfying(SwivelException.class, e -> {
                        assertThat(e.status()).isEqualTo(Status.NOT_FOUND);
                        assertThat(e.getMessage()).contains("no server with version 3.0.0 serves " + TestBundles.GREETER);
                    });
                }
            }
        }
    }

    @Test
    void aServerShuttingDownGracefullyCostsNoCall() throws Exception {
        try (LiveServer a = first()) {
            String zk = a.server.zookeeper().orElseThrow();
            LiveServer b = joining("b", zk, "greeter-v2");
            try (SwivelClient client = SwivelClient.builder().zookeeper(zk).build()) {
                Greeter greeter = client.proxy(Greeter.class, ProxyOptions.defaults().withBalancer(Balancers.ROUND_ROBIN));
                await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("x").equals("Hello, x (v2)"));

                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong calls = new AtomicLong();
                List<Throwable> failures = new CopyOnWriteArrayList<>();
                Set<String> answers = ConcurrentHashMap.newKeySet();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                List<CompletableFuture<Void>> callers = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    callers.add(CompletableFuture.runAsync(() -> {
                        while (running.get() && calls.get() < 200_000 && System.nanoTime() < deadline) {
                            try {
                                answers.add(greeter.greet("load"));
                                calls.incrementAndGet();
                            } catch (RuntimeException e) {
                                failures.add(e);
                            }
                        }
                    }));
                }
                try {
                    await().atMost(WITHIN).until(() -> answers.size() == 2 && calls.get() > 200);
                    b.close(); // deregister, GOAWAY, drain, stop
                    long after = calls.get();
                    await().atMost(WITHIN).until(() -> calls.get() > after + 200);
                } finally {
                    running.set(false);
                    for (CompletableFuture<Void> caller : callers) {
                        caller.get(30, TimeUnit.SECONDS);
                    }
                }
                assertThat(failures).as("failed calls out of %d", calls.get()).isEmpty();
                assertThat(greeter.greet("x")).isEqualTo("Hello, x (v1)");
            } finally {
                b.close();
            }
        }
    }

    @Test
    void rollbackClusterRollsBackEveryServerAndPrintsEachAnswer() throws Exception {
        try (LiveServer a = first()) {
            String zk = a.server.zookeeper().orElseThrow();
            try (LiveServer b = joining("b", zk, "greeter-v1");
                 SwivelClient client = SwivelClient.builder().zookeeper(zk).build()) {
                Greeter greeter = client.proxy(Greeter.class, ProxyOptions.defaults().withBalancer(Balancers.ROUND_ROBIN));
                await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("x").equals("Hello, x (v1)"));
                a.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
                b.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
                await().atMost(WITHIN).until(() -> a.status("greeter").active().version().equals("2.0.0")
                        && b.status("greeter").active().version().equals("2.0.0"));

                LiveServer.Cli rollback = a.cli("rollback", "greeter", "--cluster", "--zookeeper", zk);
                assertThat(rollback.status()).as(rollback.err()).isZero();
                List<String> lines = rollback.out().lines().toList();
                assertThat(lines).hasSize(3);
                assertThat(lines.subList(0, 2)).allSatisfy(line -> assertThat(line)
                        .contains("OK").contains("greeter 2.0.0 → 1.0.0 rolled back from standby"));
                String v1 = a.status("greeter").active().sha256();
                assertThat(lines.get(2)).startsWith("desired version of greeter: 1.0.0 (sha256 " + v1 + ")");
                try (var curator = io.swivel.registry.ZooKeeperClients.connect(zk, Duration.ofSeconds(10),
                        Duration.ofSeconds(10))) {
                    DesiredVersion desired = new DesiredVersions(curator).get("greeter").orElseThrow();
                    assertThat(desired.version()).isEqualTo("1.0.0");
                    assertThat(desired.sha256()).isEqualTo(v1);
                    assertThat(desired.source()).isNull();
                    assertThat(desired.setBy()).isEqualTo("rollback --cluster");
                }
                assertThat(a.status("greeter").active().version()).isEqualTo("1.0.0");
                assertThat(b.status("greeter").active().version()).isEqualTo("1.0.0");
                assertThat(b.marker("greeter.jar", ".rolledback")).content()
                        .contains("rolled back by: cluster command rollback-");
                for (int i = 0; i < 10; i++) {
                    assertThat(greeter.greet("x")).isEqualTo("Hello, x (v1)");
                }

                LiveServer.Cli nothing = a.cli("rollback", "greeter", "--cluster", "--zookeeper", zk);
                assertThat(nothing.status()).isEqualTo(1);
                assertThat(nothing.out()).contains("NOTHING_TO_ROLL_BACK_TO");
                assertThat(nothing.err().trim()).isEqualTo(
                        "swivel: the rollback of greeter did not succeed on 2 of 2 server(s)");
                LiveServer.Cli unknown = a.cli("rollback", "nosuch", "--cluster", "--zookeeper", zk);
                assertThat(unknown.err().trim()).isEqualTo("swivel: no server registered in ZooKeeper at " + zk
                        + " serves bundle nosuch");
            }
        }
    }

    @Test
    void anInstanceThatRefusesConnectionsIsSkippedAndEvenNonIdempotentCallsSucceed() throws Exception {
        int deadPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        try (LiveServer a = first();
             var zkClient = io.swivel.registry.ZooKeeperClients.connect(a.server.zookeeper().orElseThrow(),
                     Duration.ofSeconds(10), Duration.ofSeconds(10));
             var ghost = new io.swivel.registry.ServiceRegistrar(zkClient, "127.0.0.1", deadPort, Duration.ofSeconds(1))) {
            // a registration whose server is gone (as after kill -9, before its session expires)
            ghost.publish(java.util.Map.of(TestBundles.GREETER,
                    new io.swivel.registry.ServiceRegistrar.BundleVersion("greeter", "1.0.0", 1)));
            try (SwivelClient client = SwivelClient.builder().zookeeper(a.server.zookeeper().orElseThrow()).build()) {
                Greeter greeter = client.proxy(Greeter.class, ProxyOptions.defaults().withBalancer(Balancers.ROUND_ROBIN));
                await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("x").equals("Hello, x (v1)"));
                for (int i = 0; i < 50; i++) {
                    assertThat(greeter.welcome(new io.swivel.samples.greeter.Person("Ada", "en")).getText())
                            .as("welcome is not @Idempotent, but a refused connection means it was never sent")
                            .isEqualTo("Welcome, Ada (v1)");
                }
            }
        }
    }

    @Test
    void noZooKeeperIsAClearErrorAtBuild() {
        assertThatThrownBy(() -> SwivelClient.builder().zookeeper("127.0.0.1:1").connectTimeout(Duration.ofMillis(300)).build())
                .hasMessage("no ZooKeeper answers at 127.0.0.1:1 within 300 ms; start it, or check --zookeeper");
    }

    @Test
    void commandsLeftBehindByADeadCliArePrunedAndFreshOnesAreNot() throws Exception {
        try (LiveServer a = first();
             CuratorFramework curator = ZooKeeperClients.connect(a.server.zookeeper().orElseThrow(),
                     Duration.ofSeconds(10), Duration.ofSeconds(5))) {
            // a command whose CLI died while waiting: its node and an answer stay behind
            String old = curator.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(RegistryPaths.COMMANDS + "/rollback-", "{\"command\":\"none\"}".getBytes());
            curator.create().creatingParentsIfNeeded().forPath(old + "/results/127.0.0.1:1", "{}".getBytes());
            await().atMost(WITHIN).until(() -> curator.checkExists().forPath(old + "/results/" + a.server.rpcAddress()
                    .getHostString() + ":" + a.server.rpcAddress().getPort()) != null);

            // let it age past the pruner's limit, then start a pruner with a short one
            long created = curator.checkExists().forPath(old).getCtime();
            await().atMost(WITHIN).until(() -> System.currentTimeMillis() - created > 2500);
            try (ClusterCommands pruner = new ClusterCommands(curator, "127.0.0.1:2", a.server.deployer(),
                    Duration.ofMillis(2000))) {
                String fresh = curator.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(RegistryPaths.COMMANDS + "/rollback-", "{\"command\":\"none\"}".getBytes());
                await().atMost(WITHIN).until(() -> curator.checkExists().forPath(old) == null);
                assertThat(curator.checkExists().forPath(fresh)).as("a command younger than 2 s stays").isNotNull();
                await().atMost(WITHIN).until(() -> curator.checkExists().forPath(fresh) == null);
            }
        }
    }
}
