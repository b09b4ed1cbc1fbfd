package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.samples.greeter.Greeter;
import io.swivel.testing.SampleBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * Curator's own {@code ServiceDiscoveryBuilder} reads a real {@code swivel serve}'s
 * registrations: with a map payload under {@code /swivel/plain-services}, and with Spring's
 * {@code ZookeeperInstance} payload under {@code /swivel/services}.
 */
@Timeout(180)
class CuratorDiscoveryTest {

    private static final String GREETER = Greeter.class.getName();
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    @SuppressWarnings("rawtypes")
    void curatorsServiceDiscoveryListsTheServer() throws Exception {
        Path deploy = Files.createDirectories(root.resolve("deploy"));
        Files.copy(SampleBundles.jar("greeter-v1"), deploy.resolve("greeter.jar"));
        try (ServerProcess server = ServerProcess.start("curator-interop", deploy, root.resolve("data"), "embedded",
                List.of("--embedded-zk-port", "0", "--probation", "0s"));
             CuratorFramework zk = CuratorFrameworkFactory.newClient(server.zookeeper(),
                     new ExponentialBackoffRetry(200, 5, 2_000));
             ServiceDiscovery<Map> plain = ServiceDiscoveryBuilder.builder(Map.class).client(zk)
                     .basePath("/swivel/plain-services").serializer(new JsonInstanceSerializer<>(Map.class)).build();
             ServiceDiscovery<ZookeeperInstance> springShaped = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                     .client(zk).basePath("/swivel/services")
                     .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build()) {
            zk.start();
            plain.start();
            springShaped.start();
            int port = server.rpc().getPort();

            await().atMost(WITHIN).until(() -> plain.queryForInstances(GREETER).size() == 1);
            assertThat(plain.queryForNames()).contains(GREETER);
            ServiceInstance<Map> instance = plain.queryForInstances(GREETER).iterator().next();
            assertThat(instance.getId()).isEqualTo("127.0.0.1:" + port);
            assertThat(instance.getAddress()).isEqualTo("127.0.0.1");
            assertThat(instance.getPort()).isEqualTo(port);
            assertThat(instance.buildUriSpec()).isEqualTo("swivel://127.0.0.1:" + port);
            assertThat(instance.getPayload()).containsEntry("bundle", "greeter").containsEntry("version", "1.0.0")
                    .containsEntry("weight", 100).containsEntry("protocol", "swivel/1")
                    .containsEntry("warmupMillis", 60000).containsKey("activeSince")
                    .hasEntrySatisfying("adminAddress", admin -> assertThat(admin).asString().startsWith("127.0.0.1:"));

            await().atMost(WITHIN).until(() -> springShaped.queryForInstances(GREETER).size() == 1);
            Collection<ServiceInstance<ZookeeperInstance>> spring = springShaped.queryForInstances(GREETER);
            assertThat(spring).singleElement().satisfies(registered -> {
                assertThat(registered.getPort()).isEqualTo(port);
                assertThat(registered.buildUriSpec()).isEqualTo("swivel://127.0.0.1:" + port);
                assertThat(registered.getPayload().getName()).isEqualTo(GREETER);
                assertThat(registered.getPayload().getId()).isEqualTo("127.0.0.1:" + port);
                assertThat(registered.getPayload().getMetadata()).containsEntry("bundle", "greeter")
                        .containsEntry("version", "1.0.0").containsEntry("weight", "100")
                        .containsEntry("protocol", "swivel/1");
            });
        }
    }
}
