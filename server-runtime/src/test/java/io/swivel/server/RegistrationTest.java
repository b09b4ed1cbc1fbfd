package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.registry.ZooKeeperClients;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server registers what it serves in ZooKeeper (embedded here), read back with a plain
 * Curator {@code ServiceDiscovery}: a swap updates the version, an undeploy removes the
 * instance, shutdown deregisters; a second server joins the same ZooKeeper.
 */
@Timeout(120)
class RegistrationTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void registrationsFollowDeploySwapUndeployAndShutdown() throws Exception {
        try (LiveServer first = LiveServer.start(root.resolve("a"), c -> {
            c.zookeeper = ServerConfig.EMBEDDED;
            c.embeddedZkPort = 0;
            c.probation = Duration.ZERO;
        })) {
            String zk = first.server.zookeeper().orElseThrow();
            try (CuratorFramework reader = ZooKeeperClients.connect(zk, Duration.ofSeconds(10), Duration.ofSeconds(10));
                 ServiceDiscovery<Map> discovery = ServiceDiscoveryBuilder.builder(Map.class).client(reader)
                         .basePath("/swivel/plain-services").serializer(new JsonInstanceSerializer<>(Map.class)).build()) {
                discovery.start();
                Greeter greeter = first.proxy(Greeter.class);
                first.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
                await().atMost(WITHIN).untilAsserted(() -> assertThat(instances(discovery)).singleElement()
                        .satisfies(i -> {
                            assertThat(i.getPort()).isEqualTo(first.server.rpcAddress().getPort());
                            assertThat(i.getAddress()).isEqualTo("127.0.0.1");
                            assertThat(i.getPayload()).containsEntry("bundle", "greeter").containsEntry("version", "1.0.0");
                        }));

                first.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
                await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
                await().atMost(WITHIN).untilAsserted(() -> assertThat(instances(discovery)).singleElement()
                        .satisfies(i -> assertThat(i.getPayload()).containsEntry("version", "2.0.0")));

                // a second server on the same ZooKeeper
                LiveServer second = LiveServer.start(root.resolve("b"), c -> c.zookeeper = zk);
                try {
                    second.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
                    await().atMost(WITHIN).until(() -> instances(discovery).size() == 2);
                } finally {
                    second.close();
                }
                assertThat(instances(discovery)).as("deregistered at shutdown, not at session expiry")
                        .singleElement().satisfies(i -> assertThat(i.getPort()).isEqualTo(first.server.rpcAddress().getPort()));

                assertThat(first.cli("undeploy", "greeter").status()).isZero();
                await().atMost(WITHIN).until(() -> instances(discovery).isEmpty());
            }
        }
    }

    private static Collection<ServiceInstance<Map>> instances(ServiceDiscovery<Map> discovery) throws Exception {
        return discovery.queryForInstances(TestBundles.GREETER);
    }
}
