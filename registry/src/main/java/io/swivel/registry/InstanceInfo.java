package io.swivel.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.curator.x.discovery.ServiceInstance;
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
 * @param versions every version the server serves the service with, and the share of calls each
 *     takes there, while a canary runs: {@code 1.0.0=90,2.0.0=10}; empty when {@code version} is
 *     the only one
 */
public record InstanceInfo(String service, String id, String host, int port, String bundle, String version, int weight,
                           String protocol, String versions) {

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
     * @param versions the versions served and their shares, or empty
     */
    public InstanceInfo {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        weight = Math.max(1, weight);
        versions = versions != null ? versions : "";
    }

    /**
     * An instance serving one version.
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
        this(service, id, host, port, bundle, version, weight, protocol, "");
    }

    /**
     * Every version this instance serves the service with: {@code version}, and while a canary
     * runs the canary's too (a call that asks for one of them by a version constraint reaches it
     * there whatever the shares).
     *
     * @return the versions, {@code version} first
     */
    public java.util.List<String> versionsServed() {
        java.util.List<String> served = new java.util.ArrayList<>();
        served.add(version);
        for (String entry : versions.split(",")) {
            int equals = entry.indexOf('=');
            String name = (equals < 0 ? entry : entry.substring(0, equals)).trim();
            if (!name.isEmpty() && !served.contains(name)) {
                served.add(name);
            }
        }
        return served;
    }

    /** @return {@code host:port} */
    public String address() {
        return host + ":" + port;
    }

    /**
     * What a registration says about the instance beyond its address: {@code bundle},
     * {@code version}, {@code weight} (a number), {@code protocol}, and while a canary runs
     * {@code versions} ({@code 1.0.0=90,2.0.0=10}). Both payload shapes are
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
        if (!versions.isEmpty()) {
            payload.put("versions", versions);
        }
        return payload;
    }

    /**
     * The Curator form: name, id, address, port, a dynamic (ephemeral) type, the URI template
     * {@value #URI_SPEC} and the {@link #payload()}.
     *
     * @return the Curator instance
     */
    public ServiceInstance<Map<String, Object>> toCurator() {
        try {
            return ServiceInstance.<Map<String, Object>>builder()
                    .name(service)
                    .id(id)
                    .address(host)
                    .port(port)
                    .serviceType(ServiceType.DYNAMIC)
                    .uriSpec(new UriSpec(URI_SPEC))
                    .payload(payload())
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + service + " at " + id, e);
        }
    }

    /**
     * Reads a Curator instance whose payload is a flat map (Swivel's {@link #payload()} keys,
     * values as numbers or as text).
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
                text(payload.get("versions")));
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
