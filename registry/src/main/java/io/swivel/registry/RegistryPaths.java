package io.swivel.registry;

/** Where Swivel keeps things in ZooKeeper. */
public final class RegistryPaths {

    /**
     * Curator x-discovery's base path: one child per service (the interface's binary name),
     * one ephemeral child per server instance holding Curator's {@code ServiceInstance} JSON
     * whose payload is Spring Cloud Zookeeper's {@code ZookeeperInstance} (string metadata), so a
     * stock Spring {@code DiscoveryClient} with this root lists the instances.
     */
    public static final String SERVICES = "/swivel/services";

    /**
     * The same instances with the payload as a plain JSON map ({@code "@class":
     * "java.util.LinkedHashMap"}), for Curator readers that cannot load Spring's payload class
     * (a {@code JsonInstanceSerializer<>(Map.class)}, Armeria's {@code ZooKeeperEndpointGroup}).
     */
    public static final String PLAIN_SERVICES = "/swivel/plain-services";

    /** Cluster commands ({@code swivel rollback --cluster}) and each server's answer. */
    public static final String COMMANDS = "/swivel/commands";

    /**
     * Cluster rollouts ({@code swivel deploy JAR --cluster}): one persistent child per rollout id
     * holding its record (the jar's sha256, the plan, each server's outcome), read by
     * {@code swivel rollout status|resume|abort}.
     */
    public static final String ROLLOUTS = "/swivel/rollouts";

    /**
     * The desired version of each bundle: one persistent child per bundle name holding
     * {@code {"bundle", "version", "sha256", "source", "setBy", "setAt"}}, set by a completed
     * cluster rollout, a cluster rollback or {@code swivel deploy --cluster --set-desired}; every
     * server that follows the cluster converges to it.
     */
    public static final String DESIRED = "/swivel/desired";

    /** The protocol named in every instance's payload. */
    public static final String PROTOCOL = "swivel/1";

    private RegistryPaths() {
    }
}
