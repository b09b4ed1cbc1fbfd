package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.server.internal.cluster.DesiredVersion;
import io.swivel.server.internal.cluster.DesiredVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A desired version whose source is {@code maven:GROUP:ARTIFACT:VERSION} is resolved with Maven
 * Resolver in the repository of {@code --maven-repository} (here a local file repository in the
 * Maven layout, with checksums) and deployed; coordinates the repository does not hold are reported
 * and tried again; a jar whose checksum does not match is refused for good.
 */
@Timeout(120)
class MavenSourceTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    void aFollowingServerResolvesTheDesiredJarInTheConfiguredRepository() throws Exception {
        Path repository = root.resolve("repository");
        Path artifact = Files.createDirectories(repository.resolve("com/example/greeter/2.0.0"))
                .resolve("greeter-2.0.0.jar");
        Files.copy(TestBundles.jar("greeter-v2"), artifact);
        // a repository serves checksums, and the server refuses a jar without one that matches
        Files.writeString(artifact.resolveSibling("greeter-2.0.0.jar.sha1"), HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(artifact))));
        TestBundles.deploy("greeter-v1", Files.createDirectories(root.resolve("deploy")), "greeter.jar");
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(root.resolve("zk"), "127.0.0.1", 0);
             CuratorFramework curator = ZooKeeperClients.connect(zookeeper.connectString(), Duration.ofSeconds(10),
                     Duration.ofSeconds(10));
             LiveServer server = LiveServer.start(root, c -> {
                 c.zookeeper = zookeeper.connectString();
                 c.probation = Duration.ZERO;
                 c.announce = c.announce.withMavenRepository(repository.toUri().toString());
             })) {
            assertThat(server.status("greeter").active().version()).isEqualTo("1.0.0");
            DesiredVersions desired = new DesiredVersions(curator);
            desired.set(new DesiredVersion("greeter", "2.0.0", LiveServer.sha256(artifact), "maven:com.example:greeter:2.0.0",
                    "test", System.currentTimeMillis()));
            await().atMost(WITHIN).until(() -> server.status("greeter").active().version().equals("2.0.0"));
            assertThat(root.resolve("data/maven/com/example/greeter/2.0.0/greeter-2.0.0.jar")).exists();
            await().atMost(WITHIN).until(() -> server.events().contains("converged greeter 2.0.0 serves the cluster's "
                    + "desired version 2.0.0, fetched from Maven com.example:greeter:2.0.0 in " + repository.toUri()));

            desired.set(new DesiredVersion("greeter", "3.0.0", "ab".repeat(32), "maven:com.example:greeter:3.0.0",
                    "test", System.currentTimeMillis()));
            await().atMost(WITHIN).until(() -> server.events().contains("converge_failed greeter 3.0.0 cannot resolve "
                    + "com.example:greeter:jar:3.0.0 in " + repository.toUri()));
            assertThat(server.events()).contains("; trying again");
            assertThat(server.status("greeter").active().version()).isEqualTo("2.0.0");

            // a checksum that does not match the jar: refused (checksum policy FAIL), reported once
            Path tampered = Files.createDirectories(repository.resolve("com/example/greeter/2.1.0"))
                    .resolve("greeter-2.1.0.jar");
            Files.copy(TestBundles.jar("greeter-v1"), tampered); // other content than what serves: it is fetched
            Files.writeString(tampered.resolveSibling("greeter-2.1.0.jar.sha1"), "0".repeat(40));
            desired.set(new DesiredVersion("greeter", "2.1.0", LiveServer.sha256(tampered), "maven:com.example:greeter:2.1.0",
                    "test", System.currentTimeMillis()));
            await().atMost(WITHIN).until(() -> server.events().lines()
                    .anyMatch(line -> line.startsWith("converge_failed greeter 2.1.0 cannot resolve")));
            assertThat(server.events().lines().filter(line -> line.startsWith("converge_failed greeter 2.1.0")))
                    .singleElement().asString().containsIgnoringCase("checksum").doesNotContain("; trying again");
            assertThat(server.status("greeter").active().version()).isEqualTo("2.0.0");
        }
    }
}
