package io.swivel.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a server presents itself to the cluster: the address clients should dial (when it is not
 * the bound one, as behind Docker or NAT), its balancing weight, the warm-up over which a
 * joining server's weight ramps to full, and whether it follows the cluster's desired versions.
 *
 * @param advertiseHost the host registered in ZooKeeper, or null for the bound address
 * @param advertisePort the port registered in ZooKeeper, or 0 for the bound port
 * @param weight the balancing weight registered for every service, 1..10000
 * @param warmup how long a joining server's effective weight ramps from a small share to full;
 *     zero for none
 * @param followCluster whether the server converges to the desired versions kept in ZooKeeper;
 *     null for the default (on with an external ensemble, off otherwise)
 */
public record Announce(String advertiseHost, int advertisePort, int weight, Duration warmup, Boolean followCluster) {

    /** The default weight. */
    public static final int DEFAULT_WEIGHT = 100;

    /**
     * Validates the settings.
     *
     * @param advertiseHost see the record
     * @param advertisePort see the record
     * @param weight see the record
     * @param warmup see the record
     * @param followCluster see the record
     */
    public Announce {
        if (advertiseHost != null && advertiseHost.isBlank()) {
            throw new IllegalArgumentException("advertiseHost: empty (expected: a host name or address)");
        }
        if (advertisePort < 0 || advertisePort > 65535) {
            throw new IllegalArgumentException("advertisePort: " + advertisePort + " (expected: 0..65535)");
        }
        if (weight < 1 || weight > 10_000) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1..10000)");
        }
        Objects.requireNonNull(warmup, "warmup");
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
        }
    }

    /**
     * The same settings with another advertised address.
     *
     * @param host the host to register, or null for the bound address
     * @param port the port to register, or 0 for the bound port
     * @return the settings
     */
    public Announce withAdvertiseAddress(String host, int port) {
        return new Announce(host, port, weight, warmup, followCluster);
    }

    /** @return the bound address, weight 100, a 60 s warm-up, the default cluster following */
    public static Announce defaults() {
        return new Announce(null, 0, DEFAULT_WEIGHT, Duration.ofSeconds(60), null);
    }
}
