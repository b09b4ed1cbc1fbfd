package io.swivel.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;

/**
 * One server instance serving one service, as registered under
 * {@code /swivel/services/<service>/<id>}.
 *
 * @param service the service (interface binary name)
 * @param id the instance id, {@code host:port} of the server
 * @param host where clients connect
 * @param port the {@code swivel/1} port
 * @param bundle the bundle serving the service there
 * @param version the bundle version serving it
 * @param weight the relative weight for weighted balancing, at least 1
 * @param protocol {@value RegistryPaths#PROTOCOL}
 */
public record InstanceInfo(String service, String id, String host, int port, String bundle, String version, int weight,
                           String protocol) {

    /**
     * Validates an instance.
     *
     * @param service the service
     * @param id the id
     * @param host the host
     * @param port the port
     * @param bundle the bundle
     * @param version the version
     * @param weight the weight
     * @param protocol the protocol
     */
    public InstanceInfo {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        weight = Math.max(1, weight);
    }

    /** @return {@code host:port} */
    public String address() {
        return host + ":" + port;
    }

    /**
     * The Curator form: name, id, address, port, a dynamic (ephemeral) type, and the payload
     * {@code {"bundle", "version", "weight", "protocol"}}.
     *
     * @return the Curator instance
     */
    public ServiceInstance<Map<String, Object>> toCurator() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("bundle", bundle);
        payload.put("version", version);
        payload.put("weight", weight);
        payload.put("protocol", protocol);
        try {
            return ServiceInstance.<Map<String, Object>>builder()
                    .name(service)
                    .id(id)
                    .address(host)
                    .port(port)
                    .serviceType(ServiceType.DYNAMIC)
                    .payload(payload)
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + service + " at " + id, e);
        }
    }

    /**
     * Reads a Curator instance written by Swivel (or by anyone using the same payload keys).
     *
     * @param instance the Curator instance
     * @return the instance, with defaults for missing payload keys
     */
    public static InstanceInfo fromCurator(ServiceInstance<?> instance) {
        Map<?, ?> payload = instance.getPayload() instanceof Map<?, ?> map ? map : Map.of();
        Object weight = payload.get("weight");
        return new InstanceInfo(instance.getName(), instance.getId(), instance.getAddress(),
                instance.getPort() != null ? instance.getPort() : 0, text(payload.get("bundle")),
                text(payload.get("version")), weight instanceof Number number ? number.intValue() : 1,
                payload.get("protocol") != null ? payload.get("protocol").toString() : RegistryPaths.PROTOCOL);
    }

    private static String text(Object value) {
        return value != null ? value.toString() : "";
    }
}
