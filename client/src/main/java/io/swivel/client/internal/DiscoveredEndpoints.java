package io.swivel.client.internal;

import io.swivel.protocol.VersionConstraints;
import io.swivel.registry.InstanceInfo;
import io.swivel.registry.ServiceCatalog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers ZooKeeper lists, from a watched {@link ServiceCatalog}: a newly registered
 * server is used as soon as the watch reports it; a server that is no longer listed for any
 * service is dropped and its connection closed (after the calls on it finished or failed).
 */
final class DiscoveredEndpoints implements EndpointSource {

    private static final Logger log = LoggerFactory.getLogger(DiscoveredEndpoints.class);

    private final CuratorFramework client;
    private final ServiceCatalog catalog;
    private final String connectString;
    private final Factory factory;
    private final Map<String, ServerEndpoint> byAddress = new ConcurrentHashMap<>();
    /** The last non-empty listing of each service, and when it was seen. */
    private final Map<String, Listing> lastListed = new ConcurrentHashMap<>();

    /**
     * How long a service whose every registration vanished keeps its last known servers. Curator
     * re-registers an instance by deleting its node and creating it again (after a session expiry
     * or a ZooKeeper restart), so watchers briefly see no server at all; calls in that moment must
     * not fail with "no server serves" while the server answers on its open connection.
     */
    static final long UNLISTED_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    /** One listing of a service's instances. */
    private record Listing(List<InstanceInfo> instances, long seenAt) {
    }

    DiscoveredEndpoints(CuratorFramework client, ServiceCatalog catalog, String connectString,
                        Factory factory) {
        this.client = client;
        this.catalog = catalog;
        this.connectString = connectString;
        this.factory = factory;
        catalog.addListener(this::dropUnlisted);
    }

    @Override
    public List<ServerEndpoint> endpoints(String service, String versionConstraint) {
        List<InstanceInfo> instances = catalog.instances(service);
        long now = System.nanoTime();
        if (!instances.isEmpty()) {
            lastListed.put(service, new Listing(instances, now));
        } else {
            Listing last = lastListed.get(service);
            if (last != null && now - last.seenAt() < UNLISTED_GRACE_NANOS) {
                instances = last.instances(); // a registration blinking (re-registered after a ZooKeeper restart)
            }
        }
        List<ServerEndpoint> endpoints = new ArrayList<>();
        for (InstanceInfo instance : instances) {
            if (instance.versionsServed().stream().noneMatch(served -> VersionConstraints.matches(versionConstraint, served))) {
                continue; // a server running a canary serves two versions: asking for either reaches it
            }
            ServerEndpoint endpoint = byAddress.computeIfAbsent(key(instance),
                    address -> factory.create(instance.host(), instance.port(), instance.tls()));
            endpoint.weight(instance.weight());
            endpoint.warmup(instance.warmupMillis(), instance.activeSince());
            endpoints.add(endpoint);
        }
        return endpoints;
    }

    /** Makes the endpoint of one registered server. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param host where it listens
         * @param port its {@code swivel/1} port
         * @param tls whether its registration says it speaks TLS
         * @return the endpoint
         */
        ServerEndpoint create(String host, int port, boolean tls);
    }

    /** A server restarted with TLS (or without) is another endpoint: its connection is made anew. */
    private static String key(InstanceInfo instance) {
        return instance.tls() ? instance.address() + " (TLS)" : instance.address();
    }

    private void dropUnlisted() {
        Set<String> listed = new HashSet<>();
        catalog.all().values().forEach(instances -> instances.forEach(instance -> listed.add(key(instance))));
        for (Map.Entry<String, ServerEndpoint> entry : byAddress.entrySet()) {
            if (!listed.contains(entry.getKey()) && byAddress.remove(entry.getKey(), entry.getValue())) {
                log.info("{} is no longer listed in ZooKeeper; closing its connection once its calls are done", entry.getKey());
                entry.getValue().closeWhenIdle();
            }
        }
    }

    @Override
    public String describe() {
        return "ZooKeeper at " + connectString;
    }

    @Override
    public void close() {
        catalog.close();
        byAddress.values().forEach(ServerEndpoint::close);
        client.close();
    }
}
