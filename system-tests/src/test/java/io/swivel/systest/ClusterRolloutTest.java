package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.cli.SwivelMain;
import io.swivel.server.internal.cluster.DesiredVersion;
import io.swivel.server.internal.cluster.DesiredVersions;
import io.swivel.server.internal.rollout.RolloutRecord;
import io.swivel.server.internal.rollout.RolloutRecord.Outcome;
import io.swivel.server.internal.rollout.RolloutStore;
import io.swivel.systest.zk.ZooKeeperProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swivel deploy JAR --cluster} over three {@code swivel serve} processes behind one external
 * ZooKeeper, sharing one admin token, under load from a discovering client: v2 reaches every server
 * one by one with no failed call, recorded step by step, and becomes the desired version; a broken
 * v3 halts at the first server, which keeps v2, and never reaches the others; a CLI killed in the
 * middle of v4 leaves a record that {@code rollout status} shows and {@code rollout resume} completes
 * (fetching the jar from a server that serves it); {@code rollout abort} of a killed v5 rolls its
 * servers back to v4; {@code --set-desired} of v6 updates one server and sets the desired version,
 * which the other two converge to; v7 goes out as a canary on each server.
 */
@Timeout(300)
class ClusterRolloutTest {

    private static final String TOKEN = "cluster-rollout-test-shared-token-0123456789abcdef";
    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void rolloutsHaltAndResumeAcrossThreeServers() throws Exception {
        List<ServerProcess> servers = new ArrayList<>();
        try (ZooKeeperProcess zk = ZooKeeperProcess.start("rollout-zk", root.resolve("zk"), ServerProcess.logFile("rollout-zk"))) {
            try {
                for (String name : List.of("roll-a", "roll-b", "roll-c")) {
                    Path deploy = Files.createDirectories(root.resolve(name + "/deploy"));
                    Path data = Files.createDirectories(root.resolve(name + "/data"));
                    Files.writeString(data.resolve("admin.token"), TOKEN + "\n"); // the cluster's one shared token
                    Files.copy(SystestBundles.sample("greeter-v1"), deploy.resolve("greeter.jar"));
                    servers.add(ServerProcess.start(name, deploy, data, zk.connectString(),
                            // the canary's p99 budget is wide: the analysis is not what this test is about, and
                            // a loaded machine makes latencies noisy
                            List.of("--probation", "3s", "--drain-timeout", "5s", "--canary-p99-floor", "5s")));
                }
                run(zk.connectString(), servers);
            } finally {
                for (ServerProcess server : servers) {
                    server.close();
                }
            }
        }
    }

    private void run(String zookeeper, List<ServerProcess> servers) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> servers.stream().allMatch(s -> "1.0.0".equals(active(s))));
        try (CuratorFramework curator = curator(zookeeper);
             SwivelClient client = SwivelClient.builder().zookeeper(zookeeper).timeout(Duration.ofSeconds(10))
                     .connectTimeout(Duration.ofSeconds(15)).build()) {
            Greeter greeter = client.proxy(Greeter.class);
            await().atMost(Duration.ofSeconds(40)).until(() -> greeter.greet("Ada").endsWith("(v1)"));
            Load load = new Load(greeter);
            try {
                await().atMost(Duration.ofSeconds(40)).until(() -> load.answers("(v1)") >= 50);

                // v2, one server at a time: every server on v2, no call failed, each step recorded, desired set
                Cli v2 = cli("deploy", SystestBundles.sample("greeter-v2").toString(), "--cluster", "--zookeeper", zookeeper,
                        "--batch", "1", "--token", TOKEN, "--timeout", "60s");
                System.out.println("SYSTEST cluster-rollout v2:\n" + v2.out());
                assertThat(v2.status()).as(v2.toString()).isZero();
                assertThat(v2.out()).contains("batch 1/3: ", "batch 3/3: ", "progress: 3/3 server(s) on greeter 2.0.0",
                        "completed: greeter 2.0.0 serves on 3 server(s)");
                assertThat(servers).allMatch(s -> "2.0.0".equals(active(s)));
                RolloutRecord first = latest(curator);
                assertThat(first.state()).isEqualTo(RolloutRecord.State.COMPLETED);
                assertThat(first.batches()).hasSize(3).allMatch(batch -> batch.size() == 1);
                assertThat(first.servers().values()).allSatisfy(step -> {
                    assertThat(step.outcome()).isEqualTo(Outcome.UPDATED);
                    assertThat(step.before()).isEqualTo("1.0.0");
                    assertThat(step.message()).contains("probation passed");
                });
                assertThat(first.servers().keySet()).containsExactlyInAnyOrderElementsOf(
                        servers.stream().map(s -> "127.0.0.1:" + s.admin().getPort()).toList());
                DesiredVersion desired = new DesiredVersions(curator).get("greeter").orElseThrow();
                assertThat(desired.version()).isEqualTo("2.0.0");
                assertThat(desired.sha256()).isEqualTo(first.sha256());
                assertThat(desired.setBy()).isEqualTo("rollout " + first.id());
                await().atMost(Duration.ofSeconds(40)).until(() -> load.answers("(v2)") >= 50);
                assertThat(load.failures()).as("calls failed during the v2 rollout").isEmpty();

                // a broken v3: the first server fails it and keeps v2, the others never receive it
                Cli v3 = cli("deploy", SystestBundles.sample("greeter-broken").toString(), "--cluster",
                        "--zookeeper", zookeeper, "--token", TOKEN, "--timeout", "60s");
                System.out.println("SYSTEST cluster-rollout v3:\n" + v3.out() + v3.err());
                RolloutRecord broken = latest(curator);
                String firstServer = broken.batches().get(0).get(0);
                assertThat(v3.status()).as(v3.toString()).isEqualTo(1);
                assertThat(v3.err().strip()).startsWith("swivel: rollout " + broken.id() + " halted at " + firstServer + ": ")
                        .contains("greeter 3.0.0 failed", "refuses to start").doesNotContain("\n");
                assertThat(broken.state()).isEqualTo(RolloutRecord.State.UNDONE);
                assertThat(broken.step(firstServer).outcome()).isEqualTo(Outcome.FAILED);
                assertThat(broken.servers().entrySet()).filteredOn(e -> !e.getKey().equals(firstServer))
                        .allMatch(e -> e.getValue().outcome() == Outcome.PENDING);
                for (ServerProcess server : servers) {
                    assertThat(active(server)).isEqualTo("2.0.0");
                    boolean isFirst = firstServer.equals("127.0.0.1:" + server.admin().getPort());
                    assertThat(server.output().contains("3.0.0")).as("%s heard of 3.0.0", server.name()).isEqualTo(isFirst);
                }
                assertThat(new DesiredVersions(curator).get("greeter").orElseThrow().version()).isEqualTo("2.0.0");

                // v4, its CLI killed after the first server: status shows where it stopped, resume completes it
                Path v4 = SystestBundles.greeter(root.resolve("work"), "greeter", "4.0.0", SystestBundles.Fault.NONE);
                RolloutRecord stopped = killAfterFirstServer(curator, "4.0.0", cliProcess("deploy", v4.toString(),
                        "--cluster", "--zookeeper", zookeeper, "--token", TOKEN, "--timeout", "60s"));
                assertThat(stopped.state()).isEqualTo(RolloutRecord.State.RUNNING);
                assertThat(stopped.count(Outcome.UPDATED)).as("servers done when the CLI died").isBetween(1L, 2L);
                String id = stopped.id();
                await().atMost(Duration.ofSeconds(40)).until(() ->
                        cli("rollout", "status", id, "--zookeeper", zookeeper).out().contains("stopped: no CLI runs it"));
                Cli status = cli("rollout", "status", id, "--zookeeper", zookeeper);
                System.out.println("SYSTEST cluster-rollout status:\n" + status.out());
                assertThat(status.out()).contains("rollout " + id + ": greeter 4.0.0", "state: RUNNING", "UPDATED");
                assertThat(cli("rollout", "status", "--zookeeper", zookeeper).out()).contains(id, broken.id(), first.id());

                Cli resumed = cli("rollout", "resume", id, "--zookeeper", zookeeper, "--token", TOKEN, "--timeout", "60s");
                System.out.println("SYSTEST cluster-rollout resume:\n" + resumed.out());
                assertThat(resumed.status()).as(resumed.toString()).isZero();
                assertThat(resumed.out()).contains("jar: fetched greeter 4.0.0 from ", "(sha256 verified)",
                        "upload: greeter-4.0.0.jar",
                        "completed: greeter 4.0.0 serves on 3 server(s)");
                assertThat(servers).allMatch(s -> "4.0.0".equals(active(s)));
                RolloutRecord done = latest(curator);
                assertThat(done.id()).isEqualTo(id);
                assertThat(done.state()).isEqualTo(RolloutRecord.State.COMPLETED);
                assertThat(done.by()).endsWith(" (resumed)");
                assertThat(done.count(Outcome.UPDATED)).isEqualTo(3);
                assertThat(new DesiredVersions(curator).get("greeter").orElseThrow().version()).isEqualTo("4.0.0");
                await().atMost(Duration.ofSeconds(40)).until(() -> load.answers("(v4.0.0)") >= 50);

                // v5, its CLI killed after the first server: abort rolls what it updated back to 4.0.0
                Path v5 = SystestBundles.greeter(root.resolve("work"), "greeter", "5.0.0", SystestBundles.Fault.NONE);
                RolloutRecord aborted = killAfterFirstServer(curator, "5.0.0", cliProcess("deploy", v5.toString(),
                        "--cluster", "--zookeeper", zookeeper, "--token", TOKEN, "--timeout", "60s"));
                Cli abort = cli("rollout", "abort", aborted.id(), "--zookeeper", zookeeper, "--token", TOKEN);
                System.out.println("SYSTEST cluster-rollout abort:\n" + abort.out());
                assertThat(abort.status()).as(abort.toString()).isZero();
                assertThat(abort.out()).contains("undo: ", "state: ABORTED");
                assertThat(servers).allMatch(s -> "4.0.0".equals(active(s)));
                RolloutRecord afterAbort = new RolloutStore(curator).read(aborted.id()).orElseThrow().record();
                assertThat(afterAbort.state()).isEqualTo(RolloutRecord.State.ABORTED);
                assertThat(afterAbort.count(Outcome.UNDONE)).isBetween(1L, 2L);
                assertThat(afterAbort.count(Outcome.UPDATED)).isZero();
                assertThat(cli("rollout", "resume", aborted.id(), "--zookeeper", zookeeper, "--token", TOKEN).err())
                        .contains("is ABORTED", "nothing to resume");
                assertThat(new DesiredVersions(curator).get("greeter").orElseThrow().version()).isEqualTo("4.0.0");

                // v6 with --set-desired: one server takes it, then it is the desired version for the others
                Path v6 = SystestBundles.greeter(root.resolve("work"), "greeter", "6.0.0", SystestBundles.Fault.NONE);
                Cli setDesired = cli("deploy", v6.toString(), "--cluster", "--set-desired", "--zookeeper", zookeeper,
                        "--token", TOKEN, "--timeout", "60s");
                assertThat(setDesired.status()).as(setDesired.toString()).isZero();
                assertThat(setDesired.out()).contains("to 1 server(s) in 1 batch(es), then 2 more converge");
                // the record holds the one server the rollout updated; the other two follow the cluster (on by
                // default with an external ZooKeeper) and converge once the desired version is written, which
                // may be before this CLI returned: what they serve now is not the rollout's to assert
                RolloutRecord one = latest(curator);
                assertThat(one.version()).isEqualTo("6.0.0");
                assertThat(one.state()).isEqualTo(RolloutRecord.State.COMPLETED);
                assertThat(one.servers()).hasSize(1);
                assertThat(one.servers().values()).allSatisfy(step -> assertThat(step.outcome()).isEqualTo(Outcome.UPDATED));
                assertThat(servers.stream().map(s -> "127.0.0.1:" + s.admin().getPort()))
                        .containsAll(one.servers().keySet());
                assertThat(new DesiredVersions(curator).get("greeter").orElseThrow().version()).isEqualTo("6.0.0");
                await().atMost(Duration.ofSeconds(60)).until(() -> servers.stream().allMatch(s -> "6.0.0".equals(active(s))));
                // and each has finished its deploy (no probation, standby or canary left), so that no follower's
                // deploy of 6.0.0 is still under way when v7 goes out
                await().atMost(Duration.ofSeconds(60)).until(() -> servers.stream().allMatch(s -> settledOn(s, "6.0.0")));

                // v7 as a canary on each server (50%, then 100%, a second a step): done when promoted everywhere
                Path v7 = SystestBundles.greeter(root.resolve("work"), "greeter", "7.0.0", SystestBundles.Fault.NONE);
                Cli canary = cli("deploy", v7.toString(), "--cluster", "--canary", "50,100", "--step-every", "1s",
                        "--zookeeper", zookeeper, "--token", TOKEN, "--timeout", "90s");
                System.out.println("SYSTEST cluster-rollout canary:\n" + canary.out() + canary.err());
                assertThat(canary.status()).as(canary.toString()).isZero();
                assertThat(canary.out()).contains("canary: greeter 7.0.0 takes 50% of the calls",
                        "completed: greeter 7.0.0 serves on 3 server(s)");
                assertThat(servers).allMatch(s -> "7.0.0".equals(active(s)));
                assertThat(latest(curator).canary()).isEqualTo("50,100 every 1s");
                assertThat(new DesiredVersions(curator).get("greeter").orElseThrow().version()).isEqualTo("7.0.0");
            } finally {
                load.stop();
            }
            assertThat(load.failures()).as("calls failed during the rollouts").isEmpty();
            System.out.printf("SYSTEST cluster-rollout: six rollouts over 3 servers under load, answers %s, %d failed%n",
                    load.counts(), load.failures().size());
        }
    }

    /** Four threads greeting through the discovering client, bounded in count and time. */
    private static final class Load {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private final ExecutorService pool = Executors.newFixedThreadPool(4);
        private final List<CompletableFuture<Void>> running = new ArrayList<>();

        Load(Greeter greeter) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            for (int t = 0; t < 4; t++) {
                running.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 5_000_000 && !stop.get() && System.nanoTime() - deadline < 0; i++) {
                        try {
                            String answer = greeter.greet("Ada");
                            answers.computeIfAbsent(answer.substring(answer.indexOf('(')), a -> new LongAdder()).increment();
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                    }
                }, pool));
            }
        }

        long answers(String version) {
            LongAdder count = answers.get(version);
            return count == null ? 0 : count.sum();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        Map<String, Long> counts() {
            Map<String, Long> counts = new TreeMap<>();
            answers.forEach((version, n) -> counts.put(version, n.sum()));
            return counts;
        }

        void stop() throws Exception {
            stop.set(true);
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            pool.shutdown();
        }
    }

    /** Kills a rollout's CLI once the record shows its first server updated; @return the record then */
    private static RolloutRecord killAfterFirstServer(CuratorFramework curator, String version, Process cli) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                RolloutRecord record = latestOrNull(curator);
                return record != null && record.version().equals(version) && record.count(Outcome.UPDATED) >= 1;
            });
        } finally {
            cli.destroyForcibly();
            assertThat(cli.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        return latest(curator);
    }

    private String active(ServerProcess server) {
        ServerProcess.Reply reply = server.get("/v1/bundles/greeter");
        try {
            JsonNode view = mapper.readTree(reply.body());
            return reply.status() == 200 ? view.path("active").path("version").asText(null) : null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether the server serves the version with nothing else of the bundle started: no probation, standby, canary. */
    private boolean settledOn(ServerProcess server, String version) {
        ServerProcess.Reply reply = server.get("/v1/bundles/greeter");
        try {
            JsonNode view = mapper.readTree(reply.body());
            return reply.status() == 200 && version.equals(view.path("active").path("version").asText(null))
                    && !view.path("standby").isObject() && !view.path("canary").isObject()
                    && (view.path("probationEndsAt").isMissingNode() || view.path("probationEndsAt").isNull());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static CuratorFramework curator(String zookeeper) {
        CuratorFramework curator = CuratorFrameworkFactory.newClient(zookeeper, new ExponentialBackoffRetry(200, 5));
        curator.start();
        return curator;
    }

    private static RolloutRecord latest(CuratorFramework curator) throws Exception {
        RolloutRecord record = latestOrNull(curator);
        assertThat(record).as("a rollout record under /swivel/rollouts").isNotNull();
        return record;
    }

    private static RolloutRecord latestOrNull(CuratorFramework curator) throws Exception {
        List<RolloutRecord> records = new RolloutStore(curator).list();
        return records.isEmpty() ? null : records.get(0);
    }

    /** The result of one CLI run. */
    record Cli(int status, String out, String err) {
    }

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli(status, out.toString(), err.toString());
    }

    /** The CLI in a process of its own, to be killed; its output goes to {@code target/systest-logs/rollout-cli.log}. */
    private static Process cliProcess(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServerProcess.javaExecutable(), "-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), SwivelMain.class.getName()));
        command.addAll(List.of(args));
        Path log = ServerProcess.logFile("rollout-cli");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
