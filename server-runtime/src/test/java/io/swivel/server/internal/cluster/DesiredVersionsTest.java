package io.swivel.server.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.registry.ZooKeeperClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The desired-version znodes, read and written against a real (embedded) ZooKeeper. */
class DesiredVersionsTest {

    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path root;

    @Test
    void setReplacesGetAndAllReadClearRemovesWithWhatHangsBelow() throws Exception {
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(root.resolve("zk"), "127.0.0.1", 0);
             CuratorFramework client = ZooKeeperClients.connect(zookeeper.connectString(), Duration.ofSeconds(10),
                     Duration.ofSeconds(10))) {
            DesiredVersions desired = new DesiredVersions(client);
            assertThat(desired.get("greeter")).isEmpty();
            assertThat(desired.all()).isEmpty();

            desired.set(new DesiredVersion("greeter", "1.0.0", SHA, null, "rollback --cluster", 1));
            desired.set(new DesiredVersion("greeter", "2.0.0", SHA, "file:/tmp/g.jar", "rollout r-1", 2));
            desired.set(new DesiredVersion("billing", "3.0.0", SHA, null, "test", 3));
            client.create().forPath(DesiredVersions.path("junk"), "{not json".getBytes(StandardCharsets.UTF_8));

            assertThat(desired.get("greeter")).contains(
                    new DesiredVersion("greeter", "2.0.0", SHA, "file:/tmp/g.jar", "rollout r-1", 2));
            assertThat(desired.all()).containsOnlyKeys("billing", "greeter");
            assertThat(new String(client.getData().forPath(DesiredVersions.path("billing")), StandardCharsets.UTF_8))
                    .doesNotContain("source");
            assertThatThrownBy(() -> desired.get("junk")).isInstanceOf(IOException.class)
                    .hasMessageContaining("/swivel/desired/junk does not hold a desired version");

            client.create().forPath(DesiredVersions.path("greeter") + "/note");
            desired.clear("greeter");
            desired.clear("greeter");
            assertThat(desired.get("greeter")).isEmpty();
        }
    }

    @Test
    void aZnodeNamedAfterOneBundleThatNamesAnotherOrABadHashIsRefused() {
        DesiredVersions desired = new DesiredVersions(null);
        byte[] other = ("{\"bundle\":\"billing\",\"version\":\"1\",\"sha256\":\"" + SHA + "\",\"setAt\":1}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> desired.parse("greeter", other)).isInstanceOf(IOException.class)
                .hasMessage("/swivel/desired/greeter names bundle billing");
        byte[] shortHash = "{\"bundle\":\"greeter\",\"version\":\"1\",\"sha256\":\"abc\",\"setAt\":1}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> desired.parse("greeter", shortHash)).isInstanceOf(IOException.class)
                .hasMessageContaining("is not 64 lower-case hex digits");
    }
}
