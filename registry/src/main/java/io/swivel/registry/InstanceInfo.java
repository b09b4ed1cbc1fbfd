package io.swivel.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceInstanceBuilder;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.UriSpec;

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
 * @param tls whether the port speaks TLS (payload key {@code tls}; Curator's {@code sslPort} is the port then)
 */
public record InstanceInfo(String service, String id, String host, int port, String bundle, String version, int weight,
                           String protocol, boolean tls) {

    /** The URI template written in every registration: {@code swivel://host:port}. */
    public static final String URI_SPEC = "swivel://{address}:{port}";

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
     * @param tls whether the port speaks TLS
     */
    public InstanceInfo {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        weight = Math.max(1, weight);
    }

    /**
     * An instance on plain TCP.
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
    public InstanceInfo(String service, String id, String host, int port, String bundle, String version, int weight,
                        String protocol) {
        this(service, id, host, port, bundle, version, weight, protocol, false);
    }

    /** @return {@code host:port} */
    public String address() {
        return host + ":" + port;
    }

    /**
     * What a registration says about the instance beyond its address: {@code bundle},
     * {@code version}, {@code weight} (a number), {@code protocol} and {@code tls} (a boolean). Both payload shapes are
     * built from this one map, so a key added here reaches every reader.
     *
     * @return the payload keys in a fixed order
     */
    public Map<String, Object> payload() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("bundle", bundle);
        payload.put("version", version);
        payload.put("weight", weight);
        payload.put("protocol", protocol);
        payload.put("tls", tls);
        return payload;
    }

    /**
     * The Curator form: name, id, address, port (and, with TLS, the same port as {@code sslPort},
     * which Spring Cloud Zookeeper reads as a secure instance), a dynamic (ephemeral) type, the URI
     * template {@value #URI_SPEC} and the {@link #payload()}.
     *
     * @return the Curator instance
     */
    public ServiceInstance<Map<String, Object>> toCurator() {
        try {
            ServiceInstanceBuilder<Map<String, Object>> builder = ServiceInstance.<Map<String, Object>>builder()
                    .name(service)
                    .id(id)
                    .address(host)
                    .port(port)
                    .serviceType(ServiceType.DYNAMIC)
                    .uriSpec(new UriSpec(URI_SPEC))
                    .payload(payload());
            if (tls) {
                builder.sslPort(port);
            }
            return builder.build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + service + " at " + id, e);
        }
    }

    /**
     * Reads a Curator instance whose payload is a flat map (Swivel's {@link #payload()} keys,
     * values as numbers, booleans or as text). A payload without {@code tls} is plain TCP.
     *
     * @param instance the Curator instance
     * @return the instance, with defaults for missing payload keys
     */
    public static InstanceInfo fromCurator(ServiceInstance<?> instance) {
        Map<?, ?> payload = instance.getPayload() instanceof Map<?, ?> map ? map : Map.of();
        return new InstanceInfo(instance.getName(), instance.getId(), instance.getAddress(),
                instance.getPort() != null ? instance.getPort() : 0, text(payload.get("bundle")),
                text(payload.get("version")), weight(payload.get("weight")),
                payload.get("protocol") != null ? payload.get("protocol").toString() : RegistryPaths.PROTOCOL,
                flag(payload.get("tls")));
    }

    /** {@code true} or {@code "true"}; absent (a server of an earlier release) is plain TCP. */
    private static boolean flag(Object value) {
        return value instanceof Boolean yes ? yes : value != null && value.toString().trim().equalsIgnoreCase("true");
    }

    private static int weight(Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value instanceof String text) {
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException notANumber) {
                return 1; // a weight someone wrote by hand as "heavy": balance it like any other
            }
        }
        return 1;
    }

    private static String text(Object value) {
        return value != null ? value.toString() : "";
    }
}
