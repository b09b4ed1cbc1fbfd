package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.server.config.Announce;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a server registers in a real ZooKeeper: the {@code --advertise-address} when given (its
 * port, or the bound port when it names none), and for a wildcard bind without one an address of
 * one of this machine's interfaces, never {@code 0.0.0.0}. Read from the znodes themselves, as
 * Curator's {@code ServiceDiscovery} (and Spring Cloud Zookeeper) reads them.
 */
@Timeout(120)
class AdvertiseAddressTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final String SERVICES = "/swivel/services/" + TestBundles.GREETER;

    @TempDir
    Path root;

    private EmbeddedZooKeeper zookeeper;
    private CuratorFramework reader;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void startZooKeeper() {
        zookeeper = EmbeddedZooKeeper.start(root.resolve("zookeeper"), "127.0.0.1", 0);
        reader = ZooKeeperClients.connect(zookeeper.connectString(), Duration.ofSeconds(15), Duration.ofSeconds(10));
    }

    @AfterEach
    void stopZooKeeper() throws Exception {
        reader.close();
        zookeeper.close();
    }

    @Test
    void theAdvertisedHostAndPortAreWhatZooKeeperHolds() throws Exception {
        try (LiveServer live = LiveServer.start(root.resolve("server"), c -> {
            c.zookeeper = zookeeper.connectString();
            c.announce = Announce.defaults().withAdvertiseAddress("swivel-7.example.test", 9700);
        })) {
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            JsonNode payload = await().atMost(WITHIN).until(this::registered, list -> list.size() == 1).get(0);
            assertThat(payload.path("id").asText()).isEqualTo("swivel-7.example.test:9700");
            assertThat(payload.path("address").asText()).isEqualTo("swivel-7.example.test");
            assertThat(payload.path("port").asInt()).isEqualTo(9700);
            assertThat(payload.path("payload").path("metadata").path("version").asText()).isEqualTo("1.0.0");
            assertThat(live.server.rpcAddress().getPort()).as("still bound where it was asked to").isNotEqualTo(9700);
        }
    }

    @Test
    void anAdvertisedHostWithoutPortKeepsTheBoundPort() throws Exception {
        try (LiveServer live = LiveServer.start(root.resolve("server"), c -> {
            c.zookeeper = zookeeper.connectString();
            c.announce = Announce.defaults().withAdvertiseAddress("10.20.30.40", 0);
        })) {
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            JsonNode payload = await().atMost(WITHIN).until(this::registered, list -> list.size() == 1).get(0);
            assertThat(payload.path("address").asText()).isEqualTo("10.20.30.40");
            assertThat(payload.path("port").asInt()).isEqualTo(live.server.rpcAddress().getPort());
        }
    }

    @Test
    void aWildcardBindRegistersAnAddressOfAnInterfaceThatIsUp() throws Exception {
        try (LiveServer live = LiveServer.start(root.resolve("server"), c -> {
            c.zookeeper = zookeeper.connectString();
            c.bind = "0.0.0.0";
        })) {
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            JsonNode payload = await().atMost(WITHIN).until(this::registered, list -> list.size() == 1).get(0);
            InetAddress address = InetAddress.getByName(payload.path("address").asText());
            assertThat(address.isAnyLocalAddress()).as(address + " is not a wildcard").isFalse();
            assertThat(address.isLinkLocalAddress()).as(address + " is not link-local").isFalse();
            if (!address.isLoopbackAddress()) {
                NetworkInterface nic = NetworkInterface.getByInetAddress(address);
                assertThat(nic).as("an interface of this machine holds " + address).isNotNull();
                assertThat(nic.isUp()).as(nic.getName() + " is up").isTrue();
            }
            assertThat(payload.path("port").asInt()).isEqualTo(live.server.rpcAddress().getPort());
        }
    }

    /** The payloads under the greeter's service node, as ZooKeeper holds them now. */
    private List<JsonNode> registered() throws Exception {
        if (reader.checkExists().forPath(SERVICES) == null) {
            return List.of();
        }
        List<JsonNode> payloads = new java.util.ArrayList<>();
        for (String child : reader.getChildren().forPath(SERVICES)) {
            byte[] data = reader.getData().forPath(SERVICES + "/" + child);
            payloads.add(json.readTree(new String(data, StandardCharsets.UTF_8)));
        }
        return payloads;
    }
}
