package io.swivel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.Test;

/** Both payload shapes, written and read without ZooKeeper. */
class InstanceCodecTest {

    private static final String GREETER = "io.swivel.samples.greeter.Greeter";
    /** Byte for byte what a server of the earlier release wrote (Curator's JsonInstanceSerializer over a map). */
    private static final String OLD_SHAPE = "{\"name\":\"" + GREETER + "\",\"id\":\"127.0.0.1:7701\","
            + "\"address\":\"127.0.0.1\",\"port\":7701,\"sslPort\":null,\"payload\":{\"@class\":\"java.util.LinkedHashMap\","
            + "\"bundle\":\"greeter\",\"version\":\"1.0.0\",\"weight\":4,\"protocol\":\"swivel/1\"},"
            + "\"registrationTimeUTC\":1764620000000,\"serviceType\":\"DYNAMIC\",\"uriSpec\":null}";
    /** What a Spring Boot application registering itself under the same root writes. */
    private static final String SPRING_APP = "{\"name\":\"orders\",\"id\":\"orders-1\",\"address\":\"10.1.2.3\","
            + "\"port\":8080,\"sslPort\":null,\"payload\":{\"@class\":\"" + InstanceCodec.SPRING_PAYLOAD_CLASS + "\","
            + "\"id\":\"application-1\",\"name\":\"orders\",\"metadata\":{\"instance_status\":\"UP\"}},"
            + "\"registrationTimeUTC\":1764620000000,\"serviceType\":\"DYNAMIC\",\"uriSpec\":{\"parts\":[{\"value\":"
            + "\"scheme\",\"variable\":true},{\"value\":\"://\",\"variable\":false},{\"value\":\"address\",\"variable\":"
            + "true},{\"value\":\":\",\"variable\":false},{\"value\":\"port\",\"variable\":true}]},\"enabled\":true}";

    private final InstanceCodec codec = new InstanceCodec();
    private final InstanceInfo greeter = new InstanceInfo(GREETER, "127.0.0.1:7700", "127.0.0.1", 7700, "greeter",
            "2.0.0", 3, RegistryPaths.PROTOCOL);

    @Test
    void writesThePayloadSpringCloudZookeeperCastsTo() throws Exception {
        JsonNode json = new ObjectMapper().readTree(codec.serialize(greeter.toCurator()));
        assertThat(json.path("name").asText()).isEqualTo(GREETER);
        assertThat(json.path("id").asText()).isEqualTo("127.0.0.1:7700");
        assertThat(json.path("address").asText()).isEqualTo("127.0.0.1");
        assertThat(json.path("port").asInt()).isEqualTo(7700);
        assertThat(json.path("serviceType").asText()).isEqualTo("DYNAMIC");
        JsonNode payload = json.path("payload");
        assertThat(payload.path("@class").asText()).isEqualTo("org.springframework.cloud.zookeeper.discovery.ZookeeperInstance");
        assertThat(payload.path("id").asText()).isEqualTo("127.0.0.1:7700");
        assertThat(payload.path("name").asText()).isEqualTo(GREETER);
        Map<String, Object> metadata = new ObjectMapper().convertValue(payload.path("metadata"), Map.class);
        assertThat(metadata).containsExactly(Map.entry("bundle", "greeter"), Map.entry("version", "2.0.0"),
                Map.entry("weight", "3"), Map.entry("protocol", "swivel/1"), Map.entry("tls", "false"),
                Map.entry("instance_status", "UP"));
        assertThat(payload.size()).as("only ZookeeperInstance's properties").isEqualTo(4);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void theUriSpecNamesTheSwivelScheme() throws Exception {
        ServiceInstance<Map<String, Object>> read = codec.deserialize(codec.serialize(greeter.toCurator()));
        assertThat(read.buildUriSpec()).isEqualTo("swivel://127.0.0.1:7700");
        ServiceInstance<Map> plain = new JsonInstanceSerializer<>(Map.class)
                .deserialize(new JsonInstanceSerializer<>(Map.class).serialize((ServiceInstance) greeter.toCurator()));
        assertThat(plain.buildUriSpec()).isEqualTo("swivel://127.0.0.1:7700");
    }

    @Test
    void readsTheNewShapeBack() throws Exception {
        assertThat(codec.readSwivel(codec.serialize(greeter.toCurator()))).isEqualTo(greeter);
    }

    @Test
    void readsTheShapeOfTheEarlierRelease() throws Exception {
        assertThat(codec.readSwivel(OLD_SHAPE.getBytes(StandardCharsets.UTF_8))).isEqualTo(new InstanceInfo(GREETER,
                "127.0.0.1:7701", "127.0.0.1", 7701, "greeter", "1.0.0", 4, "swivel/1"));
    }

    @Test
    void theOldShapeWithoutProtocolIsStillASwivelServer() throws Exception {
        String old = OLD_SHAPE.replace(",\"protocol\":\"swivel/1\"", "").replace("\"weight\":4", "\"weight\":\"x\"");
        InstanceInfo read = codec.readSwivel(old.getBytes(StandardCharsets.UTF_8));
        assertThat(read.protocol()).isEqualTo("swivel/1");
        assertThat(read.weight()).as("an unreadable weight counts as 1").isEqualTo(1);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aTlsInstanceSaysSoInBothShapesAndInItsSslPort() throws Exception {
        InstanceInfo secure = new InstanceInfo(GREETER, "127.0.0.1:7700", "127.0.0.1", 7700, "greeter", "2.0.0", 3,
                RegistryPaths.PROTOCOL, true);
        byte[] springShaped = codec.serialize(secure.toCurator());
        JsonNode json = new ObjectMapper().readTree(springShaped);
        assertThat(json.path("payload").path("metadata").path("tls").asText()).isEqualTo("true");
        assertThat(json.path("sslPort").asInt()).as("Spring Cloud Zookeeper's secure instance").isEqualTo(7700);
        assertThat(codec.readSwivel(springShaped)).isEqualTo(secure);

        JsonInstanceSerializer<Map> plainSerializer = new JsonInstanceSerializer<>(Map.class);
        byte[] plain = plainSerializer.serialize((ServiceInstance) secure.toCurator());
        assertThat(plainSerializer.deserialize(plain).getPayload()).containsEntry("tls", true);
        assertThat(codec.readSwivel(plain)).as("the flat map, tls as a JSON boolean").isEqualTo(secure);
        assertThat(codec.readSwivel(OLD_SHAPE.getBytes(StandardCharsets.UTF_8)).tls())
                .as("a payload of the earlier release, without tls, is plain TCP").isFalse();
        assertThat(new ObjectMapper().readTree(codec.serialize(greeter.toCurator())).path("sslPort").isNull())
                .as("no sslPort on plain TCP").isTrue();
    }

    @Test
    void aSpringApplicationRegisteredUnderTheSameRootIsNotASwivelServer() throws Exception {
        assertThat(codec.readSwivel(SPRING_APP.getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(codec.read(SPRING_APP.getBytes(StandardCharsets.UTF_8)).instance().getPayload())
                .containsExactly(Map.entry("instance_status", "UP"));
    }

    @Test
    void whatIsNoServiceInstanceIsAnError() {
        assertThatThrownBy(() -> codec.readSwivel("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessage("not a JSON object");
        assertThatThrownBy(() -> codec.readSwivel("{\"port\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessage("no name, id or address");
        assertThatThrownBy(() -> codec.readSwivel("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aPlainCuratorReaderCannotReadTheSpringShapeWhichIsWhyThereAreTwoRegistrations() throws Exception {
        byte[] springShaped = codec.serialize(greeter.toCurator());
        assertThatThrownBy(() -> new JsonInstanceSerializer<>(Map.class).deserialize(springShaped))
                .hasMessageContaining(InstanceCodec.SPRING_PAYLOAD_CLASS);
        assertThatThrownBy(() -> new JsonInstanceSerializer<>(Object.class).deserialize(springShaped))
                .hasMessageContaining(InstanceCodec.SPRING_PAYLOAD_CLASS);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void theAdminAddressAndTheWarmUpTravelInBothShapes() throws Exception {
        InstanceInfo announced = new InstanceInfo(GREETER, "127.0.0.1:7700", "127.0.0.1", 7700, "greeter", "2.0.0", 300,
                RegistryPaths.PROTOCOL, "127.0.0.1:7701", 60_000, 1_764_620_000_000L);

        JsonNode metadata = new ObjectMapper().readTree(codec.serialize(announced.toCurator())).path("payload").path("metadata");
        assertThat(metadata.path("adminAddress").asText()).isEqualTo("127.0.0.1:7701");
        assertThat(metadata.path("weight").asText()).isEqualTo("300");
        assertThat(metadata.path("warmupMillis").asText()).isEqualTo("60000");
        assertThat(metadata.toString()).doesNotContainIgnoringCase("token");
        assertThat(codec.readSwivel(codec.serialize(announced.toCurator()))).isEqualTo(announced);
        JsonInstanceSerializer<Map> plain = new JsonInstanceSerializer<>(Map.class);
        assertThat(InstanceInfo.fromCurator(plain.deserialize(plain.serialize((ServiceInstance) announced.toCurator()))))
                .isEqualTo(announced);
    }

    @Test
    void theWarmUpRampsFromASmallShareToFull() {
        InstanceInfo warming = new InstanceInfo(GREETER, "127.0.0.1:7700", "127.0.0.1", 7700, "greeter", "2.0.0", 100,
                RegistryPaths.PROTOCOL, "", 10_000, 1_000_000);

        assertThat(warming.warmth(1_000_000)).isEqualTo(InstanceInfo.WARMUP_FLOOR);
        assertThat(warming.warmth(999_000)).as("a clock behind the server's").isEqualTo(InstanceInfo.WARMUP_FLOOR);
        assertThat(warming.warmth(1_005_000)).isCloseTo(0.525, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(warming.warmth(1_010_000)).isEqualTo(1.0);
        assertThat(greeter.warmth(0)).as("no warm-up announced").isEqualTo(1.0);
    }
}
