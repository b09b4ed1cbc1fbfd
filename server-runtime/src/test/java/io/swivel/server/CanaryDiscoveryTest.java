package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.client.ProxyOptions;
import io.swivel.client.SwivelClient;
import io.swivel.registry.RegistryPaths;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server running a canary, seen through ZooKeeper: its registration lists both versions with
 * their shares, and a discovering client that asks for one version by a constraint reaches it on
 * every call, whatever the weights.
 */
@Timeout(120)
class CanaryDiscoveryTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void theRegistrationListsBothVersionsAndAVersionConstraintReachesTheCanaryWhateverItsWeight() throws Exception {
        try (LiveServer server = LiveServer.start(root, c -> {
            c.zookeeper = ServerConfig.EMBEDDED;
            c.embeddedZkPort = 0;
        })) {
            server.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).until(() -> server.server.deployer().status("greeter").isPresent());
            String zk = server.server.zookeeper().orElseThrow();
            LiveServer.Cli started = server.cli("canary", "greeter", TestBundles.jar("greeter-v2").toString(),
                    "--steps", "10,100", "--step-every", "1h");
            assertThat(started.status()).as(started.err()).isZero();

            String path = RegistryPaths.SERVICES + "/" + TestBundles.GREETER;
            try (CuratorFramework curator = ZooKeeperClients.connect(zk, Duration.ofSeconds(15), WITHIN)) {
                await().atMost(WITHIN).ignoreExceptions().until(() -> {
                    List<String> instances = curator.getChildren().forPath(path);
                    String data = new String(curator.getData().forPath(path + "/" + instances.get(0)), StandardCharsets.UTF_8);
                    return data.contains("\"versions\":\"1.0.0=90,2.0.0=10\"") && data.contains("\"version\":\"1.0.0\"");
                });
            }

            try (SwivelClient client = SwivelClient.builder().zookeeper(zk).build()) {
                Greeter onlyV2 = client.proxy(Greeter.class, ProxyOptions.defaults().withVersion("2.*"));
                Greeter onlyV1 = client.proxy(Greeter.class, ProxyOptions.defaults().withVersion("1.0.0"));
                Greeter any = client.proxy(Greeter.class);
                await().atMost(WITHIN).ignoreExceptions().until(() -> onlyV2.greet("Ada").equals("Hello, Ada (v2)"));
                Set<String> v2Answers = new HashSet<>();
                Set<String> v1Answers = new HashSet<>();
                Set<String> anyAnswers = new HashSet<>();
                for (int i = 0; i < 200; i++) {
                    v2Answers.add(onlyV2.greet("Ada"));
                    v1Answers.add(onlyV1.greet("Ada"));
                    anyAnswers.add(any.greet("Ada"));
                }
                assertThat(v2Answers).as("withVersion(2.*) at a 10% canary").containsExactly("Hello, Ada (v2)");
                assertThat(v1Answers).as("withVersion(1.0.0) beside a canary").containsExactly("Hello, Ada (v1)");
                assertThat(anyAnswers).as("no constraint: both, by weight").contains("Hello, Ada (v1)");

                LiveServer.Cli promoted = server.cli("canary", "greeter", "--promote");
                assertThat(promoted.status()).as(promoted.err()).isZero();
                try (CuratorFramework curator = ZooKeeperClients.connect(zk, Duration.ofSeconds(15), WITHIN)) {
                    await().atMost(WITHIN).ignoreExceptions().until(() -> {
                        List<String> instances = curator.getChildren().forPath(path);
                        String data = new String(curator.getData().forPath(path + "/" + instances.get(0)),
                                StandardCharsets.UTF_8);
                        return data.contains("\"version\":\"2.0.0\"") && !data.contains("\"versions\"");
                    });
                }
            }
        }
    }
}
