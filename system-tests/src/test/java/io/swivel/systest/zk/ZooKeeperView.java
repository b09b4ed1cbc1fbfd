package io.swivel.systest.zk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.data.Stat;

/**
 * What ZooKeeper says, read the way any Curator user reads it: a plain Curator client and
 * Curator's own x-discovery {@link ServiceDiscovery} over a map payload, on
 * {@code /swivel/plain-services} (nothing of Swivel's registry code). The Spring-shaped twin
 * under {@code /swivel/services} is read by Spring itself in interop-tests.
 */
public final class ZooKeeperView implements AutoCloseable {

    /** Where Swivel registers services with a plain map payload (a fixed contract). */
    public static final String SERVICES = "/swivel/plain-services";

    private final CuratorFramework client;
    @SuppressWarnings("rawtypes")
    private final ServiceDiscovery<Map> discovery;

    /**
     * Connects.
     *
     * @param connectString {@code host:port}
     */
    public ZooKeeperView(String connectString) throws Exception {
        client = CuratorFrameworkFactory.builder().connectString(connectString).sessionTimeoutMs(5_000)
                .connectionTimeoutMs(5_000).retryPolicy(new ExponentialBackoffRetry(100, 5, 1_000)).build();
        client.start();
        discovery = ServiceDiscoveryBuilder.builder(Map.class).client(client).basePath(SERVICES)
                .serializer(new JsonInstanceSerializer<>(Map.class)).build();
        discovery.start();
    }

    /**
     * The instance ids Curator's discovery lists for a service.
     *
     * @param service the interface's binary name
     * @return ids ({@code host:port}), empty when none or when ZooKeeper does not answer
     */
    @SuppressWarnings("rawtypes")
    public List<String> instanceIds(String service) {
        try {
            Collection<ServiceInstance<Map>> instances = discovery.queryForInstances(service);
            List<String> ids = new ArrayList<>();
            instances.forEach(instance -> ids.add(instance.getId()));
            ids.sort(null);
            return ids;
        } catch (Exception e) {
            return List.of();
        }
    }

    /**
     * The payload of one registration.
     *
     * @param service the service
     * @param id the instance id
     * @return its payload ({@code bundle}, {@code version}, ...), or null if not registered
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Map<String, Object> payload(String service, String id) throws Exception {
        ServiceInstance<Map> instance = discovery.queryForInstance(service, id);
        return instance != null ? (Map<String, Object>) instance.getPayload() : null;
    }

    /**
     * The session owning one registration's ephemeral node.
     *
     * @param service the service
     * @param id the instance id
     * @return the session id, or 0 if the node does not exist
     */
    public long owner(String service, String id) throws Exception {
        Stat stat = client.checkExists().forPath(ZKPaths.makePath(SERVICES, service, id));
        return stat != null ? stat.getEphemeralOwner() : 0;
    }

    @Override
    public void close() throws Exception {
        discovery.close();
        client.close();
    }
}
