package io.swivel.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.InstanceSerializer;

/**
 * The JSON of the registrations under {@value RegistryPaths#SERVICES}. It writes Curator's
 * {@code ServiceInstance} with the payload in the shape a stock Spring Cloud Zookeeper client
 * reads: {@code {"@class": "}{@value #SPRING_PAYLOAD_CLASS}{@code ", "id", "name", "metadata":
 * {...}}}, every metadata value a string, plus {@code "instance_status": "UP"}. It reads that
 * shape and the flat-map payload Swivel wrote before ({@code {"@class": "java.util.LinkedHashMap",
 * "bundle", "version", "weight", "protocol"}}), so servers of both releases are found during a
 * rolling upgrade. The payload's {@code "@class"} is never resolved: reading needs no Spring class.
 */
final class InstanceCodec implements InstanceSerializer<Map<String, Object>> {

    /** The payload class Spring Cloud Zookeeper casts every payload to. */
    static final String SPRING_PAYLOAD_CLASS = "org.springframework.cloud.zookeeper.discovery.ZookeeperInstance";
    /** The metadata key Spring Cloud Zookeeper's load balancer filters on (absent or "UP" is chosen). */
    static final String STATUS_KEY = "instance_status";
    static final String STATUS_UP = "UP";

    private final ObjectMapper mapper = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A registration read back, and whether its payload was Spring-shaped. */
    record Read(ServiceInstance<Map<String, Object>> instance, boolean springShaped) {
    }

    @Override
    public byte[] serialize(ServiceInstance<Map<String, Object>> instance) throws Exception {
        ObjectNode root = mapper.valueToTree(instance);
        ObjectNode payload = mapper.createObjectNode();
        payload.put("@class", SPRING_PAYLOAD_CLASS);
        payload.put("id", instance.getId());
        payload.put("name", instance.getName());
        ObjectNode metadata = payload.putObject("metadata");
        if (instance.getPayload() != null) {
            instance.getPayload().forEach((key, value) -> {
                if (value != null) {
                    metadata.put(key, value.toString());
                }
            });
        }
        metadata.put(STATUS_KEY, STATUS_UP);
        root.set("payload", payload);
        return mapper.writeValueAsBytes(root);
    }

    @Override
    public ServiceInstance<Map<String, Object>> deserialize(byte[] bytes) throws Exception {
        return read(bytes).instance();
    }

    /**
     * Reads a registration of either shape; the payload comes back as a flat map (Spring's
     * metadata as text values, the old payload's values as they were).
     *
     * @param bytes the znode's data
     * @return the instance and its shape
     * @throws IOException if it is not a Curator service instance
     */
    Read read(byte[] bytes) throws IOException {
        if (!(mapper.readTree(bytes) instanceof ObjectNode root)) {
            throw new IOException("not a JSON object");
        }
        JsonNode payloadNode = root.remove("payload");
        ServiceInstance<?> bare = mapper.treeToValue(root, ServiceInstance.class);
        if (bare.getName().isEmpty() || bare.getId().isEmpty() || bare.getAddress() == null) {
            throw new IOException("no name, id or address");
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        boolean springShaped = payloadNode != null && payloadNode.path("metadata").isObject();
        JsonNode fields = springShaped ? payloadNode.get("metadata") : payloadNode;
        if (fields != null && fields.isObject()) {
            fields.properties().forEach(field -> {
                if (!field.getKey().equals("@class") && !field.getValue().isNull()) {
                    payload.put(field.getKey(), mapper.convertValue(field.getValue(), Object.class));
                }
            });
        }
        return new Read(new ServiceInstance<>(bare.getName(), bare.getId(), bare.getAddress(), bare.getPort(),
                bare.getSslPort(), payload, bare.getRegistrationTimeUTC(), bare.getServiceType(), bare.getUriSpec(),
                bare.isEnabled()), springShaped);
    }

    /**
     * Reads a registration as a Swivel instance.
     *
     * @param bytes the znode's data
     * @return the instance, or null if it is Spring-shaped but names no protocol: not a Swivel
     *     server (a Spring application registering itself under the same root, say)
     * @throws IOException if it is not a Curator service instance
     */
    InstanceInfo readSwivel(byte[] bytes) throws IOException {
        Read read = read(bytes);
        if (read.springShaped() && !read.instance().getPayload().containsKey("protocol")) {
            return null;
        }
        return InstanceInfo.fromCurator(read.instance());
    }
}
