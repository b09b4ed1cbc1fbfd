package io.swivel.server.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.api.RpcService;
import io.swivel.classloader.LoaderLeakTracker;
import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.registry.RegistryPaths;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.server.internal.deploy.BundleLoader;
import io.swivel.server.internal.deploy.DeploySettings;
import io.swivel.server.internal.deploy.Deployer;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Which cluster commands are old is decided by the server's clock, not the system's: a fixed clock ages them. */
@Timeout(60)
class ClusterCommandsPruningTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void aCommandIsPrunedWhenTheServersClockSaysItIsOlderThanTheLimit() throws Exception {
        Path dataDir = root.resolve("data");
        BundleLoader loader = new BundleLoader(new BundleLoader.Settings(dataDir.resolve("history"),
                dataDir.resolve("work"), root.resolve("deploy"), Duration.ofSeconds(5), 4, 64, 1 << 20),
                RpcService.class.getClassLoader(), new LoaderLeakTracker());
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(root.resolve("zookeeper"), "127.0.0.1", 0);
             CuratorFramework curator = ZooKeeperClients.connect(zookeeper.connectString(), Duration.ofSeconds(10),
                     Duration.ofSeconds(5));
             Deployer deployer = new Deployer(loader, new ServiceDirectory(), root.resolve("deploy"), dataDir,
                     new DeploySettings(Duration.ofSeconds(5), 5, Duration.ZERO, 0.5, 20, Duration.ofSeconds(5)),
                     ServerMetrics.none(), Clock.systemUTC())) {
            String older = command(curator);
            long created = curator.checkExists().forPath(older).getCtime();
            await().atMost(WITHIN).until(() -> System.currentTimeMillis() > created + 2);
            String younger = command(curator);
            assertThat(curator.checkExists().forPath(younger).getCtime()).isGreaterThan(created + 1);

            // by the system clock both are a few milliseconds old; by this one, the first is just past the limit
            Clock clock = Clock.fixed(Instant.ofEpochMilli(created + ClusterCommands.STALE_AFTER.toMillis() + 1),
                    ZoneOffset.UTC);
            try (ClusterCommands pruner = new ClusterCommands(curator, "127.0.0.1:2", deployer,
                    ClusterCommands.STALE_AFTER, clock)) {
                await().atMost(WITHIN).until(() -> curator.checkExists().forPath(older) == null);
                assertThat(curator.checkExists().forPath(younger)).as("younger than the limit by this clock")
                        .isNotNull();
            }
        }
    }

    private static String command(CuratorFramework curator) throws Exception {
        return curator.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(RegistryPaths.COMMANDS + "/rollback-", "{\"command\":\"none\"}".getBytes());
    }
}
