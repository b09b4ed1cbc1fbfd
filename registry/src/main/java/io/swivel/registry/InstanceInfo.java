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
 * @param adminAddress the server's admin API, {@code host:port}, or empty if not announced (never a token)
 * @param warmupMillis how long the instance's effective weight ramps up after {@code activeSince}; 0 for none
 * @param activeSince when the server joined or the version began to serve, epoch milliseconds; 0 if not announced
 * @param versions every version the server serves the service with, and the share of calls each
 *     takes there, while a canary runs: {@code 1.0.0=90,2.0.0=10}; empty when {@code version} is
 *     the only one
 * @param tls whether the port speaks TLS (payload key {@code tls}; Curator's {@code sslPort} is the port then)
 */
public record InstanceInfo(String service, String id, String host, int port, String bundle, String version, int weight,
                           String protocol, String adminAddress, long warmupMillis, long activeSince, String versions,
                           boolean tls) {

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
     * @param adminAddress the admin API's {@code host:port}, or empty
     * @param warmupMillis the warm-up window, 0 for none
     * @param activeSince when the warm-up started, epoch milliseconds, 0 for none
     * @param versions the versions served and their shares, or empty
     * @param tls whether the port speaks TLS
     */
    public InstanceInfo {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        weight = Math.max(1, weight);
        adminAddress = adminAddress == null ? "" : adminAddress;
        warmupMillis = Math.max(0, warmupMillis);
        activeSince = Math.max(0, activeSince);
        versions = versions != null ? versions : "";
    }

    /**
     * An instance serving one version, announcing an admin address and a warm-up.
     *
     * @param service the service
     * @param id the id
     * @param host the host
     * @param port the port
     * @param bundle the bundle
     * @param version the version
     * @param weight the weight
     * @param protocol the protocol
     * @param adminAddress the admin API's {@code host:port}, or empty
     * @param warmupMillis the warm-up window, 0 for none
     * @param activeSince when the warm-up started, epoch milliseconds, 0 for none
     */
    public InstanceInfo(String service, String id, String host, int port, String bundle, String version, int weight,
                        String protocol, String adminAddress, long warmupMillis, long activeSince) {
        this(service, id, host, port, bundle, version, weight, protocol, adminAddress, warmupMillis, activeSince, "",
                false);
    }

    /**
     * An instance serving one version on a plain TCP or TLS port, announcing no admin address and no warm-up.
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
    public InstanceInfo(String service, String id, String host, int port, String bundle, String version, int weight,
                        String protocol, boolean tls) {
        this(service, id, host, port, bundle, version, weight, protocol, "", 0, 0, "", tls);
    }

    /**
     * An instance that announces no admin address and no warm-up (what servers before them wrote).
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
        this(service, id, host, port, bundle, version, weight, protocol, "", 0, 0, "", false);
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
     * {@code version}, {@code weight} (a number) and {@code protocol}; then, when announced,
     * {@code adminAddress} ({@code host:port} of the admin API, for peers and cluster commands) and
     * {@code warmupMillis} with {@code activeSince} (epoch milliseconds: the effective weight ramps
     * from a small share to full over that window), and while a canary runs {@code versions}
     * ({@code 1.0.0=90,2.0.0=10}); and {@code tls} (a boolean). Both payload shapes are built from this one
     * map, so a key added here reaches every reader.
     *
     * @return the payload keys in a fixed order
     */
    public Map<String, Object> payload() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("bundle", bundle);
        payload.put("version", version);
        payload.put("weight", weight);
        payload.put("protocol", protocol);
        if (!adminAddress.isEmpty()) {
            payload.put("adminAddress", adminAddress);
        }
        if (warmupMillis > 0 && activeSince > 0) {
            payload.put("warmupMillis", warmupMillis);
            payload.put("activeSince", activeSince);
        }
        if (!versions.isEmpty()) {
            payload.put("versions", versions);
        }
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
                text(payload.get("adminAddress")), number(payload.get("warmupMillis")), number(payload.get("activeSince")),
                text(payload.get("versions")), flag(payload.get("tls")));
    }

    /** {@code true} or {@code "true"}; absent (a server of an earlier release) is plain TCP. */
    private static boolean flag(Object value) {
        return value instanceof Boolean yes ? yes : value != null && value.toString().trim().equalsIgnoreCase("true");
    }

    /**
     * How much of its weight the instance takes now: a share that grows linearly from
     * {@value #WARMUP_FLOOR} to 1 over {@link #warmupMillis()} after {@link #activeSince()}, and 1
     * without a warm-up. A start in the future (a clock ahead of the reader's) counts as just started.
     *
     * @param nowMillis the reader's clock, epoch milliseconds
     * @return the share, in {@code [WARMUP_FLOOR, 1]}
     */
    public double warmth(long nowMillis) {
        return warmth(warmupMillis, Math.max(0, nowMillis - activeSince));
    }

    /** The share of its weight an instance takes at the start of its warm-up. */
    public static final double WARMUP_FLOOR = 0.05;

    /**
     * The share of full weight after {@code elapsedMillis} of a warm-up of {@code warmupMillis}.
     *
     * @param warmupMillis the window, 0 for none
     * @param elapsedMillis the time since it started, at least 0
     * @return {@value #WARMUP_FLOOR} at the start, growing linearly to 1 at the end of the window
     */
    public static double warmth(long warmupMillis, long elapsedMillis) {
        if (warmupMillis <= 0 || elapsedMillis >= warmupMillis) {
            return 1.0;
        }
        return WARMUP_FLOOR + (1.0 - WARMUP_FLOOR) * Math.max(0, elapsedMillis) / warmupMillis;
    }

    private static long number(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException notANumber) {
                return 0;
            }
        }
        return 0;
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
