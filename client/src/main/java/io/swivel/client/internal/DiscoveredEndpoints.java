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
import java.util.function.BiFunction;
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
    private final BiFunction<String, Integer, ServerEndpoint> factory;
    private final Map<String, ServerEndpoint> byAddress = new ConcurrentHashMap<>();

    DiscoveredEndpoints(CuratorFramework client, ServiceCatalog catalog, String connectString,
                        BiFunction<String, Integer, ServerEndpoint> factory) {
        this.client = client;
        this.catalog = catalog;
        this.connectString = connectString;
        this.factory = factory;
        catalog.addListener(this::dropUnlisted);
    }

    @Override
    public List<ServerEndpoint> endpoints(String service, String versionConstraint) {
        List<ServerEndpoint> endpoints = new ArrayList<>();
        for (InstanceInfo instance : catalog.instances(service)) {
            if (!VersionConstraints.matches(versionConstraint, instance.version())) {
                continue;
            }
            ServerEndpoint endpoint = byAddress.computeIfAbsent(instance.address(),
                    address -> factory.apply(instance.host(), instance.port()));
            endpoint.weight(instance.weight());
            endpoints.add(endpoint);
        }
        return endpoints;
    }

    private void dropUnlisted() {
        Set<String> listed = new HashSet<>();
        catalog.all().values().forEach(instances -> instances.forEach(instance -> listed.add(instance.address())));
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
