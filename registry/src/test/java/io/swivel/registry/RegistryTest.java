package io.swivel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registration against a real (embedded) ZooKeeper, read back with Curator's own
 * {@code ServiceDiscovery} over a map payload (under {@code /swivel/plain-services}), as raw
 * Spring-shaped JSON (under {@code /swivel/services}) and with Swivel's catalog. The real Spring
 * Cloud Zookeeper client reads it in the interop-tests module.
 */
@Timeout(60)
class RegistryTest {

    private static final String GREETER = "io.swivel.samples.greeter.Greeter";
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    EmbeddedZooKeeper zookeeper;
    CuratorFramework serverClient;
    CuratorFramework readerClient;
    ServiceRegistrar registrar;
    ServiceDiscovery<Map> reader;

    @BeforeEach
    void start() throws Exception {
        zookeeper = EmbeddedZooKeeper.start(dir, "127.0.0.1", 0);
        serverClient = ZooKeeperClients.connect(zookeeper.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(10));
        readerClient = ZooKeeperClients.connect(zookeeper.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(10));
        registrar = new ServiceRegistrar(serverClient, "127.0.0.1", 7700, Duration.ofMillis(200));
        reader = ServiceDiscoveryBuilder.builder(Map.class).client(readerClient).basePath("/swivel/plain-services")
                .serializer(new JsonInstanceSerializer<>(Map.class)).build();
        reader.start();
    }

    @AfterEach
    void stop() throws Exception {
        reader.close();
        registrar.close();
        serverClient.close();
        readerClient.close();
        zookeeper.close();
    }

    private Collection<ServiceInstance<Map>> listed() throws Exception {
        return reader.queryForInstances(GREETER);
    }

    @Test
    void aPlainCuratorClientListsTheInstanceWithItsPayload() throws Exception {
        registrar.publish(Map.of(GREETER, new ServiceRegistrar.BundleVersion("greeter", "1.0.0", 3)));
        assertThat(reader.queryForNames()).contains(GREETER);
        assertThat(listed()).singleElement().satisfies(instance -> {
            assertThat(instance.getId()).isEqualTo("127.0.0.1:7700");
            assertThat(instance.getAddress()).isEqualTo("127.0.0.1");
            assertThat(instance.getPort()).isEqualTo(7700);
            assertThat(instance.getPayload()).containsEntry("bundle", "greeter").containsEntry("version", "1.0.0")
                    .containsEntry("weight", 3).containsEntry("protocol", "swivel/1");
            assertThat(instance.buildUriSpec()).isEqualTo("swivel://127.0.0.1:7700");
        });
        assertThat(springShaped().path("payload").path("metadata").path("version").asText()).isEqualTo("1.0.0");
        assertThat(serverClient.checkExists().forPath("/swivel/services/" + GREETER + "/127.0.0.1:7700")
                .getEphemeralOwner()).as("ephemeral").isNotZero();

        registrar.publish(Map.of(GREETER, new ServiceRegistrar.BundleVersion("greeter", "2.0.0", 3)));
        assertThat(listed()).singleElement().satisfies(instance ->
                assertThat(instance.getPayload()).containsEntry("version", "2.0.0"));
        assertThat(springShaped().path("payload").path("metadata").path("version").asText()).isEqualTo("2.0.0");

        registrar.publish(Map.of());
        assertThat(listed()).isEmpty();
        assertThat(serverClient.getChildren().forPath("/swivel/services/" + GREETER)).isEmpty();
    }

    /** The registration under /swivel/services as JSON; Spring's own reader runs in interop-tests. */
    private JsonNode springShaped() throws Exception {
        JsonNode json = new ObjectMapper().readTree(serverClient.getData()
                .forPath("/swivel/services/" + GREETER + "/127.0.0.1:7700"));
        assertThat(json.path("payload").path("@class").asText())
                .isEqualTo("org.springframework.cloud.zookeeper.discovery.ZookeeperInstance");
        assertThat(json.path("address").asText()).isEqualTo("127.0.0.1");
        assertThat(json.path("port").asInt()).isEqualTo(7700);
        return json;
    }

    @Test
    void closingDeregistersAtOnce() throws Exception {
        registrar.publish(Map.of(GREETER, new ServiceRegistrar.BundleVersion("greeter", "1.0.0", 1)));
        assertThat(listed()).hasSize(1);
        registrar.close();
        assertThat(listed()).isEmpty();
    }

    @Test
    void aNodeDeletedByHandIsRepaired() throws Exception {
        registrar.publish(Map.of(GREETER, new ServiceRegistrar.BundleVersion("greeter", "1.0.0", 1)));
        for (String base : new String[] {"/swivel/plain-services", "/swivel/services"}) {
            String path = base + "/" + GREETER + "/127.0.0.1:7700";
            long created = readerClient.checkExists().forPath(path).getCzxid();
            readerClient.delete().forPath(path);
            // the repair pass may run at any moment: a node created after the deletion is the proof
            await().atMost(WITHIN).until(() -> {
                Stat stat = readerClient.checkExists().forPath(path);
                return stat != null && stat.getCzxid() != created;
            });
        }
        assertThat(listed()).singleElement().satisfies(instance ->
                assertThat(instance.getPayload()).containsEntry("version", "1.0.0"));
        assertThat(springShaped().path("payload").path("metadata").path("bundle").asText()).isEqualTo("greeter");
    }

    @Test
    void anUpdateThatFailedIsWrittenAgainByTheRepairPass() throws Exception {
        registrar.publish(Map.of(GREETER, new ServiceRegistrar.BundleVersion("greeter", "1.0.0", 1)));
        String plainPath = "/swivel/plain-services/" + GREETER + "/127.0.0.1:7700";
        // the plain node becomes read-only (but its ACL can be changed back): the swap's update fails there
        readerClient.setACL().withACL(List.of(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.ADMIN,
                ZooDefs.Ids.ANYONE_ID_UNSAFE))).forPath(plainPath);

        registrar.publish(Map.of(GREETER, new ServiceRegistrar.BundleVersion("greeter", "2.0.0", 4)));
        assertThat(springShaped().path("payload").path("metadata").path("version").asText()).isEqualTo("2.0.0");
        assertThat(listed()).as("the failed update left the old payload").singleElement().satisfies(instance ->
                assertThat(instance.getPayload()).containsEntry("version", "1.0.0"));

        readerClient.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(plainPath);
        await().atMost(WITHIN).untilAsserted(() -> assertThat(listed()).singleElement().satisfies(instance ->
                assertThat(instance.getPayload()).containsEntry("version", "2.0.0").containsEntry("weight", 4)));
        assertThat(springShaped().path("payload").path("metadata").path("version").asText()).isEqualTo("2.0.0");
    }

    @Test
    void registrationsComeBackAfterASessionExpiry() throws Exception {
        registrar.publish(Map.of(GREETER, new ServiceRegistrar.BundleVersion("greeter", "1.0.0", 1)));
        long session = serverClient.getZookeeperClient().getZooKeeper().getSessionId();
        serverClient.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        await().atMost(WITHIN).until(() -> serverClient.getZookeeperClient().getZooKeeper().getSessionId() != session);
        await().atMost(WITHIN).untilAsserted(() -> assertThat(listed()).singleElement()
                .satisfies(instance -> assertThat(instance.getPayload()).containsEntry("version", "1.0.0")));
        long newSession = serverClient.getZookeeperClient().getZooKeeper().getSessionId();
        for (String base : new String[] {"/swivel/services", "/swivel/plain-services"}) {
            await().atMost(WITHIN).untilAsserted(() -> assertThat(serverClient.checkExists()
                    .forPath(base + "/" + GREETER + "/127.0.0.1:7700")).as(base).isNotNull());
            long owner = serverClient.checkExists().forPath(base + "/" + GREETER + "/127.0.0.1:7700").getEphemeralOwner();
            assertThat(owner).as("%s owned by the new session", base).isEqualTo(newSession);
        }
    }

    @Test
    void theCatalogSeesRegistrationsComeAndGo() throws Exception {
        try (ServiceCatalog catalog = ServiceCatalog.watch(readerClient, WITHIN)) {
            assertThat(catalog.instances(GREETER)).isEmpty();
            registrar.publish(Map.of(GREETER, new ServiceRegistrar.BundleVersion("greeter", "1.0.0", 2)));
            await().atMost(Duration.ofSeconds(1)).until(() -> catalog.instances(GREETER).size() == 1);
            InstanceInfo instance = catalog.instances(GREETER).get(0);
            assertThat(instance.address()).isEqualTo("127.0.0.1:7700");
            assertThat(instance.version()).isEqualTo("1.0.0");
            assertThat(instance.weight()).isEqualTo(2);
            registrar.publish(Map.of());
            await().atMost(Duration.ofSeconds(1)).until(() -> catalog.instances(GREETER).isEmpty());
        }
    }

    @Test
    void theCatalogListsServersOfBothReleasesDuringARollingUpgrade() throws Exception {
        // a server of the earlier release wrote a flat map under /swivel/services, as Curator serializes it
        ServiceInstance<Map> old = ServiceInstance.<Map>builder().name(GREETER).id("127.0.0.1:7701")
                .address("127.0.0.1").port(7701).serviceType(ServiceType.DYNAMIC)
                .payload(new java.util.LinkedHashMap<>(Map.of("bundle", "greeter", "version", "1.0.0", "weight", 1,
                        "protocol", "swivel/1"))).build();
        serverClient.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath("/swivel/services/" + GREETER + "/127.0.0.1:7701",
                        new JsonInstanceSerializer<>(Map.class).serialize(old));
        try (ServiceCatalog catalog = ServiceCatalog.watch(readerClient, WITHIN)) {
            registrar.publish(Map.of(GREETER, new ServiceRegistrar.BundleVersion("greeter", "2.0.0", 2)));
            await().atMost(WITHIN).until(() -> catalog.instances(GREETER).size() == 2);
            assertThat(catalog.instances(GREETER)).extracting(InstanceInfo::address, InstanceInfo::version,
                    InstanceInfo::weight).containsExactly(tuple("127.0.0.1:7700", "2.0.0", 2),
                    tuple("127.0.0.1:7701", "1.0.0", 1));
        }
    }

    @Test
    void noZooKeeperIsAClearErrorWithinTheTimeout() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> ZooKeeperClients.connect("127.0.0.1:" + closedPort, Duration.ofSeconds(10),
                Duration.ofMillis(500)))
                .isInstanceOf(RegistryException.class)
                .hasMessage("no ZooKeeper answers at 127.0.0.1:" + closedPort + " within 500 ms; start it, or check --zookeeper");
    }
}
