package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.server.internal.cluster.DesiredVersion;
import io.swivel.server.internal.cluster.DesiredVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A following server refuses, once and for good, a desired jar that is not what the desired
 * version names: a jar of another bundle with the hash the znode names (it would replace that
 * bundle's jar), and a jar whose hash is not the one named (downloading it again cannot help).
 */
@Timeout(120)
class DesiredSourceRefusalTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    void aJarOfAnotherBundleOrWithAnotherHashIsRefusedOnceAndTheServedJarIsUntouched() throws Exception {
        Path v2 = Files.copy(TestBundles.jar("greeter-v2"), root.resolve("v2.jar")); // a short path: events are bounded
        Path deploy = Files.createDirectories(root.resolve("deploy"));
        TestBundles.deploy("greeter-v1", deploy, "greeter.jar");
        String v1Sha = LiveServer.sha256(deploy.resolve("greeter.jar"));
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(root.resolve("zk"), "127.0.0.1", 0);
             CuratorFramework curator = ZooKeeperClients.connect(zookeeper.connectString(), Duration.ofSeconds(10),
                     Duration.ofSeconds(10));
             LiveServer server = LiveServer.start(root, c -> {
                 c.zookeeper = zookeeper.connectString();
                 c.probation = Duration.ZERO;
             })) {
            assertThat(server.status("greeter").active().version()).isEqualTo("1.0.0");
            DesiredVersions desired = new DesiredVersions(curator);

            // "billing" names greeter 2.0.0's hash: the jar is greeter's by its manifest
            desired.set(new DesiredVersion("billing", "2.0.0", LiveServer.sha256(v2), v2.toUri().toString(), "test",
                    System.currentTimeMillis()));
            await().atMost(WITHIN).until(() -> server.events().contains("converge_failed billing 2.0.0 the jar from "
                    + v2.toUri() + " was refused: the jar with sha256 " + LiveServer.sha256(v2) + " is greeter 2.0.0 by its "
                    + "manifest, not billing 2.0.0; refused; not tried again until the desired version is set again"));
            assertThat(LiveServer.sha256(deploy.resolve("greeter.jar"))).isEqualTo(v1Sha);
            assertThat(deploy.resolve("billing.jar")).doesNotExist();
            assertThat(server.status("greeter").active().version()).isEqualTo("1.0.0");

            // the right bundle, another hash: refused once, not fetched again and again
            String other = "ab".repeat(32);
            desired.set(new DesiredVersion("greeter", "2.0.0", other, v2.toUri().toString(), "test",
                    System.currentTimeMillis()));
            await().atMost(WITHIN).until(() -> server.events().contains("converge_failed greeter 2.0.0 the jar from "
                    + v2.toUri() + " was refused: "));
            String reported = server.events().lines().filter(line -> line.startsWith("converge_failed greeter 2.0.0 "))
                    .findFirst().orElseThrow();
            assertThat(reported).contains("not the announced " + other)
                    .endsWith("; not tried again until the desired version is set again or the server restarts");
            assertThat(LiveServer.sha256(deploy.resolve("greeter.jar"))).isEqualTo(v1Sha);
        }
    }
}
