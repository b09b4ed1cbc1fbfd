package io.swivel.registry;

/** Where Swivel keeps things in ZooKeeper. */
public final class RegistryPaths {

    /**
     * Curator x-discovery's base path: one child per service (the interface's binary name),
     * one ephemeral child per server instance holding Curator's {@code ServiceInstance} JSON.
     */
    public static final String SERVICES = "/swivel/services";

    /** Cluster commands ({@code swivel rollback --cluster}) and each server's answer. */
    public static final String COMMANDS = "/swivel/commands";

    /** The protocol named in every instance's payload. */
    public static final String PROTOCOL = "swivel/1";

    private RegistryPaths() {
    }
}
