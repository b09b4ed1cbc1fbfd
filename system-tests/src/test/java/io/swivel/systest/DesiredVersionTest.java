package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.server.internal.cluster.DesiredVersion;
import io.swivel.server.internal.cluster.DesiredVersions;
import io.swivel.systest.zk.ZooKeeperProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers that follow the cluster ({@code --follow-cluster}, on by default with an external
 * ZooKeeper) converge to the desired version of a bundle, in one cluster of real {@code swivel serve}
 * processes sharing one admin token and an external ZooKeeper process:
 * <ol>
 *   <li>two servers serve v2 and the desired version is v2 (written as the rollout CLI writes it);
 *       a third started with v1 in its deploy directory serves v2 soon after joining (the issue asks
 *       10 s; the test prints the time from its ready line, printed once it is registered, and fails
 *       past 30 s, which a loaded 2-core machine needs), fetched from a peer (its log says which),
 *       and {@code status --cluster} shows every server matching;</li>
 *   <li>{@code rollback --cluster} makes the desired version v1, and a fourth server started with v2
 *       in its deploy directory serves v1;</li>
 *   <li>a desired version with a {@code file:} source brings all four to v2 (those that hold v2 in
 *       their history return to it from there);</li>
 *   <li>a desired version that does not start is tried once per server, reported, and v2 keeps serving.</li>
 * </ol>
 */
@Timeout(420)
class DesiredVersionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** From a joiner's ready line to serving the desired version: the issue's 10 s, with room for a loaded machine. */
    private static final Duration JOINED = Duration.ofSeconds(30);
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String TOKEN = "5e".repeat(32);

    @TempDir
    Path root;

    @Test
    void serversStartedLaterConvergeToTheDesiredVersionFromAPeerAfterARollbackAndFromAFile() throws Exception {
        Path v1 = SystestBundles.sample("greeter-v1");
        Path v2 = SystestBundles.sample("greeter-v2");
        List<ServerProcess> servers = new ArrayList<>();
        try (ZooKeeperProcess zk = ZooKeeperProcess.start("desired-zk", root.resolve("zk"),
                ServerProcess.logFile("desired-zk"));
             CuratorFramework curator = ZooKeeperClients.connect(zk.connectString(), Duration.ofSeconds(10),
                     Duration.ofSeconds(10))) {
            DesiredVersions desired = new DesiredVersions(curator);
            try {
                // 1. two servers move from v1 to v2; the desired version becomes v2, as a completed rollout sets it
                for (String name : List.of("desired-a", "desired-b")) {
                    servers.add(start(name, v1, zk));
                }
                for (ServerProcess server : servers) {
                    server.moveIn(v2, "greeter.jar");
                }
                await().atMost(WITHIN).until(() -> servers.stream().allMatch(s -> active(s).equals("2.0.0")));
                desired.set(new DesiredVersion("greeter", "2.0.0", sha256(v2), null, "rollout test-1",
                        System.currentTimeMillis()));

                ServerProcess c = start("desired-c", v1, zk);
                servers.add(c);
                awaitJoined(c, "2.0.0");
                assertThat(c.output()).containsPattern(Pattern.compile("greeter: fetched greeter 2\\.0\\.0 \\(\\d+ bytes, "
                        + "sha256 verified\\) from peer 127\\.0\\.0\\.1:(" + servers.get(0).admin().getPort() + "|"
                        + servers.get(1).admin().getPort() + ") \\(GET http://127\\.0\\.0\\.1:\\d+/v1/bundles/greeter/jar\\)"));
                await().atMost(WITHIN).until(() -> c.output().contains("greeter: converged to the desired version 2.0.0"));
                assertThat(c.cli("status").out()).contains("converged").contains("serves the cluster's desired version 2.0.0");

                await().atMost(WITHIN).until(() -> clusterStatus(c, zk).path("servers").size() == 3);
                JsonNode cluster = clusterStatus(c, zk);
                assertThat(cluster.path("allMatch").asBoolean()).as(cluster.toString()).isTrue();
                assertThat(cluster.path("desired").path("greeter").path("version").asText()).isEqualTo("2.0.0");
                ServerProcess.Cli table = c.cli("status", "--cluster", "--zookeeper", zk.connectString());
                assertThat(table.out().lines().filter(line -> line.startsWith("127.0.0.1:")))
                        .hasSize(3).allSatisfy(line -> assertThat(line).contains("2.0.0").endsWith("yes"));
                assertThat(table.out()).contains("3 server(s): every bundle with a desired version matches it");

                // 2. a cluster rollback makes v1 the desired version; a server started with v2 serves v1
                ServerProcess.Cli rollback = c.cli("rollback", "greeter", "--cluster", "--zookeeper", zk.connectString());
                assertThat(rollback.status()).as(rollback.err() + rollback.out()).isZero();
                assertThat(rollback.out()).contains("desired version of greeter: 1.0.0 (sha256 " + sha256(v1) + ")");
                assertThat(desired.get("greeter").orElseThrow().sha256()).isEqualTo(sha256(v1));
                ServerProcess d = start("desired-d", v2, zk);
                servers.add(d);
                awaitJoined(d, "1.0.0");
                assertThat(d.output()).contains("greeter: fetched greeter 1.0.0 (").contains("from peer 127.0.0.1:");
                assertThat(servers).allSatisfy(server -> assertThat(active(server)).isEqualTo("1.0.0"));

                // 3. v2 again, from a file: a new jar for d, its own history for the others
                desired.set(new DesiredVersion("greeter", "2.0.0", sha256(v2), v2.toUri().toString(), "deploy --set-desired",
                        System.currentTimeMillis()));
                await().atMost(WITHIN).until(() -> servers.stream().allMatch(s -> active(s).equals("2.0.0")));
                assertThat(d.output()).contains("greeter: fetched greeter 2.0.0 (").contains("from file " + v2);
                // logged by the follower's next look after the switch, so a moment after the server serves it
                await().atMost(WITHIN).until(() -> servers.get(0).output().contains(
                        "greeter: converged to the desired version 2.0.0, fetched from this server's history"));

                // 4. a desired version that does not start: one try on each server, reported, v2 keeps serving
                Path broken = SystestBundles.sample("greeter-broken");
                desired.set(new DesiredVersion("greeter", "3.0.0", sha256(broken), broken.toUri().toString(), "test",
                        System.currentTimeMillis()));
                await().atMost(WITHIN).until(() -> servers.stream().allMatch(s -> s.output()
                        .contains("greeter: the desired version 3.0.0 failed on this server")));
                JsonNode mismatched = clusterStatus(c, zk);
                assertThat(mismatched.path("allMatch").asBoolean()).isFalse();
                for (ServerProcess server : servers) {
                    assertThat(active(server)).isEqualTo("2.0.0");
                    assertThat(server.cli("status").out()).contains("converge_failed");
                    assertThat(count(server.output(), "fetched greeter 3.0.0 (")).as(server.name()).isEqualTo(1);
                }
            } finally {
                for (ServerProcess server : servers) {
                    server.close();
                }
            }
        }
    }

    private ServerProcess start(String name, Path jar, ZooKeeperProcess zk) throws IOException {
        Path deploy = Files.createDirectories(root.resolve(name).resolve("deploy"));
        Path data = Files.createDirectories(root.resolve(name).resolve("data"));
        Files.writeString(data.resolve("admin.token"), TOKEN + "\n"); // the cluster's one token, as a Secret would hold it
        Files.copy(jar, deploy.resolve("greeter.jar"));
        return ServerProcess.start(name, deploy, data, zk.connectString(), List.of("--probation", "0s",
                "--drain-timeout", "5s", "--warmup", "0s"));
    }

    /** Waits for a server that has just printed its ready line (it is registered) to serve a version, and prints how long it took. */
    private static void awaitJoined(ServerProcess server, String version) {
        long readyAt = System.nanoTime();
        await().atMost(JOINED).until(() -> active(server).equals(version));
        System.out.printf("%s served the desired version %s %d ms after its ready line (bound %d s)%n", server.name(),
                version, (System.nanoTime() - readyAt) / 1_000_000, JOINED.toSeconds());
    }

    private static String active(ServerProcess server) {
        ServerProcess.Reply reply = server.get("/v1/bundles/greeter");
        try {
            return reply.status() == 200 ? JSON.readTree(reply.body()).path("active").path("version").asText("") : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode clusterStatus(ServerProcess server, ZooKeeperProcess zk) throws IOException {
        ServerProcess.Cli status = server.cli("status", "--cluster", "--json", "--zookeeper", zk.connectString());
        assertThat(status.status()).as(status.err()).isZero();
        return JSON.readTree(status.out());
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
