package io.swivel.server.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a server presents itself to the cluster: the address clients should dial (when it is not
 * the bound one, as behind Docker or NAT), its balancing weight, the warm-up over which a
 * joining server's weight ramps to full, whether it follows the cluster's desired versions, and
 * where it resolves the Maven coordinates a desired version may name.
 *
 * @param advertiseHost the host registered in ZooKeeper, or null for the bound address
 * @param advertisePort the port registered in ZooKeeper, or 0 for the bound port
 * @param weight the balancing weight registered for every service, 1..10000
 * @param warmup how long a joining server's effective weight ramps from a small share to full;
 *     zero for none
 * @param followCluster whether the server converges to the desired versions kept in ZooKeeper;
 *     null for the default (on with an external ensemble, off otherwise)
 * @param bundleWeights weights that replace {@code weight} for the services of some bundles, by bundle name
 * @param mavenRepository the repository URL ({@code file:}, {@code http(s):}, Maven layout) in which a
 *     desired version's {@code maven:GROUP:ARTIFACT:VERSION} source resolves, or null for none
 */
public record Announce(String advertiseHost, int advertisePort, int weight, Duration warmup, Boolean followCluster,
                       Map<String, Integer> bundleWeights, String mavenRepository) {

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
     * @param bundleWeights see the record
     * @param mavenRepository see the record
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
        bundleWeights = Map.copyOf(Objects.requireNonNull(bundleWeights, "bundleWeights"));
        mavenRepository = mavenRepository == null || mavenRepository.isBlank() ? null : mavenRepository.trim();
        bundleWeights.forEach((bundle, bundleWeight) -> {
            if (bundleWeight < 1 || bundleWeight > 10_000) {
                throw new IllegalArgumentException("bundleWeights: " + bundle + "=" + bundleWeight + " (expected: 1..10000)");
            }
        });
    }

    /**
     * Announces the same as before, without bundle weights.
     *
     * @param advertiseHost see the record
     * @param advertisePort see the record
     * @param weight see the record
     * @param warmup see the record
     * @param followCluster see the record
     */
    public Announce(String advertiseHost, int advertisePort, int weight, Duration warmup, Boolean followCluster) {
        this(advertiseHost, advertisePort, weight, warmup, followCluster, Map.of());
    }

    /**
     * Announces the same as before, with no Maven repository.
     *
     * @param advertiseHost see the record
     * @param advertisePort see the record
     * @param weight see the record
     * @param warmup see the record
     * @param followCluster see the record
     * @param bundleWeights see the record
     */
    public Announce(String advertiseHost, int advertisePort, int weight, Duration warmup, Boolean followCluster,
                    Map<String, Integer> bundleWeights) {
        this(advertiseHost, advertisePort, weight, warmup, followCluster, bundleWeights, null);
    }

    /**
     * The weight registered for the services of one bundle.
     *
     * @param bundle the bundle name
     * @return its entry in {@link #bundleWeights()}, else {@link #weight()}
     */
    public int weightOf(String bundle) {
        return bundleWeights.getOrDefault(bundle, weight);
    }

    /**
     * Reads {@code --bundle-weights}: {@code NAME=N} pairs separated by commas.
     *
     * @param text the option's value; empty for none
     * @return the weights by bundle name
     * @throws IllegalArgumentException if a pair is malformed
     */
    public static Map<String, Integer> parseBundleWeights(String text) {
        Map<String, Integer> weights = new java.util.LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return weights;
        }
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            String bundle = equals > 0 ? pair.substring(0, equals).trim() : "";
            try {
                if (bundle.isEmpty()) {
                    throw new NumberFormatException();
                }
                weights.put(bundle, Integer.parseInt(pair.substring(equals + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bundleWeights: '" + pair.trim() + "' (expected: NAME=WEIGHT, e.g. greeter=300)");
            }
        }
        return weights;
    }

    /**
     * The same settings with another advertised address.
     *
     * @param host the host to register, or null for the bound address
     * @param port the port to register, or 0 for the bound port
     * @return the settings
     */
    public Announce withAdvertiseAddress(String host, int port) {
        return new Announce(host, port, weight, warmup, followCluster, bundleWeights, mavenRepository);
    }

    /**
     * Whether a server registering at {@code zookeeper} follows the cluster's desired versions:
     * as {@link #followCluster()} says, else (by default) when it names an external ensemble, not
     * for the embedded ZooKeeper of a single server nor for none.
     *
     * @param zookeeper the {@code --zookeeper} value
     * @return true if the server converges to {@code /swivel/desired}
     */
    public boolean follows(String zookeeper) {
        if (zookeeper.equals(ServerConfig.NO_ZOOKEEPER)) {
            return false;
        }
        return followCluster != null ? followCluster : !zookeeper.equals(ServerConfig.EMBEDDED);
    }

    /**
     * The same settings, following the cluster or not.
     *
     * @param follow true or false, or null for the default (see {@link #follows})
     * @return the settings
     */
    public Announce withFollowCluster(Boolean follow) {
        return new Announce(advertiseHost, advertisePort, weight, warmup, follow, bundleWeights, mavenRepository);
    }

    /**
     * The same settings, resolving Maven sources in another repository.
     *
     * @param repository the repository URL, or null for none
     * @return the settings
     */
    public Announce withMavenRepository(String repository) {
        return new Announce(advertiseHost, advertisePort, weight, warmup, followCluster, bundleWeights, repository);
    }

    /** @return the bound address, weight 100, a 60 s warm-up, the default cluster following */
    public static Announce defaults() {
        return new Announce(null, 0, DEFAULT_WEIGHT, Duration.ofSeconds(60), null);
    }
}
