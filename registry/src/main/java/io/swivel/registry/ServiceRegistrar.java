package io.swivel.registry;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the services of one server in ZooKeeper with Curator's own x-discovery. The set of
 * services is published whole ({@link #publish}); the registrar registers what is new, updates
 * what changed (a swap changes the version) and removes what is gone (an undeploy).
 *
 * <p>Each service is registered twice, because no one payload can be read by every Curator
 * client: Curator builds the payload from its {@code "@class"}, and a reader fails on a class it
 * cannot load. Under {@value RegistryPaths#SERVICES} the payload is Spring Cloud Zookeeper's
 * {@code ZookeeperInstance} (what a stock Spring {@code DiscoveryClient} casts to, see
 * {@link InstanceCodec}); under {@value RegistryPaths#PLAIN_SERVICES} it is a plain
 * {@code java.util.LinkedHashMap}, for Curator readers without Spring on their class path
 * (a {@code JsonInstanceSerializer<>(Map.class)}, Armeria's {@code ZooKeeperEndpointGroup}).
 *
 * <p>Registrations survive trouble: after a session expiry Curator registers them again when
 * it reconnects (deleting an old node first), and a repair pass every second recreates a node
 * that was deleted by hand and writes again a registration whose last write failed.
 */
public final class ServiceRegistrar implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(ServiceRegistrar.class);

    private final CuratorFramework client;
    /** Spring-shaped, under {@value RegistryPaths#SERVICES}. */
    private final ServiceDiscovery<Map<String, Object>> discovery;
    /** Plain map, under {@value RegistryPaths#PLAIN_SERVICES}. */
    private final ServiceDiscovery<Map<String, Object>> plainDiscovery;
    private final String host;
    private final int port;
    private final String adminAddress;
    private final boolean tls;
    private final ScheduledExecutorService repairer;
    /** Guarded by this. */
    private final Map<String, InstanceInfo> registered = new HashMap<>();
    /**
     * Guarded by this. Services whose last write (register or update) failed: ZooKeeper may still
     * hold the previous payload, so the repair pass writes them again until it succeeds.
     */
    private final Set<String> unwritten = new HashSet<>();
    private boolean closed;

    /**
     * Starts a registrar for one server.
     *
     * @param client a connected Curator client
     * @param host the address clients should connect to
     * @param port the {@code swivel/1} port
     * @param repairInterval how often registrations are checked and recreated if missing
     */
    public ServiceRegistrar(CuratorFramework client, String host, int port, Duration repairInterval) {
        this(client, host, port, "", repairInterval, false);
    }

    /**
     * Starts a registrar for one server that announces its admin API.
     *
     * @param client a connected Curator client
     * @param host the address clients should connect to
     * @param port the {@code swivel/1} port
     * @param adminAddress the admin API's {@code host:port} written in every registration, or empty
     * @param repairInterval how often registrations are checked and recreated if missing
     * @param tls whether the port speaks TLS: the payload's {@code tls} key, and the instance's {@code sslPort}
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public ServiceRegistrar(CuratorFramework client, String host, int port, String adminAddress, Duration repairInterval,
                            boolean tls) {
        this.tls = tls;
        this.client = client;
        this.host = host;
        this.port = port;
        this.adminAddress = adminAddress == null ? "" : adminAddress;
        this.discovery = (ServiceDiscovery) ServiceDiscoveryBuilder.builder(Map.class)
                .client(client)
                .basePath(RegistryPaths.SERVICES)
                .serializer((InstanceSerializer) new InstanceCodec())
                .build();
        this.plainDiscovery = (ServiceDiscovery) ServiceDiscoveryBuilder.builder(Map.class)
                .client(client)
                .basePath(RegistryPaths.PLAIN_SERVICES)
                .serializer(new JsonInstanceSerializer<>(Map.class))
                .build();
        try {
            discovery.start();
            plainDiscovery.start();
        } catch (Exception e) {
            closeQuietly(discovery);
            closeQuietly(plainDiscovery);
            throw new RegistryException("cannot start service registration in ZooKeeper: " + e.getMessage(), e);
        }
        this.repairer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "swivel-registry-repair");
            thread.setDaemon(true);
            return thread;
        });
        repairer.scheduleWithFixedDelay(this::repair, repairInterval.toMillis(), repairInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** @return the id of this server's instances, {@code host:port} */
    public String instanceId() {
        return host + ":" + port;
    }

    /**
     * Makes ZooKeeper list exactly these services for this server.
     *
     * @param services service name to the bundle and version serving it
     */
    public synchronized void publish(Map<String, BundleVersion> services) {
        if (closed) {
            return;
        }
        for (String service : Map.copyOf(registered).keySet()) {
            if (!services.containsKey(service)) {
                unregister(service);
            }
        }
        services.forEach((service, bundle) -> {
            InstanceInfo wanted = new InstanceInfo(service, instanceId(), host, port, bundle.bundle(), bundle.version(),
                    bundle.weight(), RegistryPaths.PROTOCOL, adminAddress, bundle.warmupMillis(), bundle.activeSince(),
                    bundle.versions(), tls);
            InstanceInfo current = registered.get(service);
            if (!wanted.equals(current) || unwritten.contains(service)) {
                try {
                    ServiceInstance<Map<String, Object>> curator = wanted.toCurator();
                    if (current == null) {
                        discovery.registerService(curator);
                        plainDiscovery.registerService(curator);
                    } else {
                        discovery.updateService(curator);
                        plainDiscovery.updateService(curator);
                    }
                    registered.put(service, wanted);
                    unwritten.remove(service);
                    log.info("registered {} {} {} at {} in ZooKeeper", service, bundle.bundle(), bundle.version(),
                            instanceId());
                } catch (Exception e) {
                    log.warn("cannot register {} in ZooKeeper ({}); retrying in the background", service, e.toString(), e);
                    registered.put(service, wanted); // the repair pass registers it once ZooKeeper answers
                    unwritten.add(service); // and writes its payload again even if an old node is there
                }
            }
        });
    }

    private void unregister(String service) {
        InstanceInfo gone = registered.remove(service);
        unwritten.remove(service);
        ServiceInstance<Map<String, Object>> curator = gone.toCurator();
        boolean springShapedGone = unregister(discovery, RegistryPaths.SERVICES, curator);
        boolean plainGone = unregister(plainDiscovery, RegistryPaths.PLAIN_SERVICES, curator);
        if (springShapedGone && plainGone) {
            log.info("deregistered {} at {} from ZooKeeper", service, instanceId());
        }
    }

    /** Removes one of the two nodes; a failure leaves the other one's removal to go ahead. */
    private boolean unregister(ServiceDiscovery<Map<String, Object>> where, String basePath,
                               ServiceInstance<Map<String, Object>> curator) {
        try {
            where.unregisterService(curator);
            return true;
        } catch (Exception e) {
            log.warn("cannot deregister {} from {} in ZooKeeper: {}; its node goes with this server's session",
                    curator.getName(), basePath, e.toString(), e);
            return false;
        }
    }

    /**
     * Recreates registrations whose node is missing (deleted by hand, or lost with a session), and
     * writes again those whose last write failed.
     */
    private synchronized void repair() {
        if (closed || !client.getZookeeperClient().isConnected()) {
            return;
        }
        for (InstanceInfo instance : registered.values()) {
            if (unwritten.contains(instance.service())) {
                boolean springShaped = rewrite(discovery, RegistryPaths.SERVICES, instance);
                boolean plain = rewrite(plainDiscovery, RegistryPaths.PLAIN_SERVICES, instance);
                if (springShaped && plain) {
                    unwritten.remove(instance.service());
                }
                continue;
            }
            repair(discovery, RegistryPaths.SERVICES, instance);
            repair(plainDiscovery, RegistryPaths.PLAIN_SERVICES, instance);
        }
    }

    /** Writes one registration whatever ZooKeeper holds for it; false if it failed again. */
    private boolean rewrite(ServiceDiscovery<Map<String, Object>> where, String basePath, InstanceInfo instance) {
        String path = ZKPaths.makePath(basePath, instance.service(), instance.id());
        try {
            if (client.checkExists().forPath(path) == null) {
                where.registerService(instance.toCurator());
            } else {
                where.updateService(instance.toCurator());
            }
            log.info("repaired the registration of {} at {} under {}: {} {} written after an earlier failure",
                    instance.service(), instance.id(), basePath, instance.bundle(), instance.version());
            return true;
        } catch (Exception e) {
            log.debug("rewrite of {} failed: {}", path, e.toString());
            return false;
        }
    }

    private void repair(ServiceDiscovery<Map<String, Object>> where, String basePath, InstanceInfo instance) {
        String path = ZKPaths.makePath(basePath, instance.service(), instance.id());
        try {
            if (client.checkExists().forPath(path) == null) {
                where.registerService(instance.toCurator());
                log.info("repaired the registration of {} at {} under {}: its node was missing", instance.service(),
                        instance.id(), basePath);
            }
        } catch (Exception e) {
            log.debug("repair of {} failed: {}", path, e.toString());
        }
    }

    /**
     * Removes every registration of this server now (before its port closes). Stops early when
     * the calling thread is interrupted (a shutdown that gave up waiting for ZooKeeper): what is
     * left goes with the session.
     */
    public synchronized void clear() {
        for (String service : Map.copyOf(registered).keySet()) {
            if (Thread.currentThread().isInterrupted()) {
                log.debug("deregistration interrupted; left to the session: {}", registered.keySet());
                return;
            }
            unregister(service);
        }
    }

    /**
     * Deregisters everything and stops. Idempotent. Interrupting the closing thread cuts the
     * deregistration short (see {@link #clear()}); Curator's discovery is then left to the client's
     * close, since it would try each remaining registration again.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            clear();
        }
        repairer.shutdownNow();
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        discovery.close();
        plainDiscovery.close();
    }

    private static void closeQuietly(ServiceDiscovery<?> discovery) {
        try {
            discovery.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing a service discovery that did not start: {}", e.toString());
        }
    }

    /**
     * What serves a service on this server.
     *
     * @param bundle the bundle name
     * @param version its version
     * @param weight the relative weight, at least 1
     * @param warmupMillis the warm-up window announced with it, 0 for none
     * @param activeSince when the warm-up started (the server joined, or this version began to serve), epoch ms
     * @param versions while a canary runs, every version served and its share ({@code 1.0.0=90,2.0.0=10}), else empty
     */
    public record BundleVersion(String bundle, String version, int weight, long warmupMillis, long activeSince,
                                String versions) {

        /**
         * Validates.
         *
         * @param bundle the bundle
         * @param version the version
         * @param weight the weight
         * @param warmupMillis the warm-up window
         * @param activeSince when it started
         * @param versions the versions and shares, or empty
         */
        public BundleVersion {
            Objects.requireNonNull(bundle, "bundle");
            Objects.requireNonNull(version, "version");
            versions = versions != null ? versions : "";
        }

        /**
         * A version announced with a warm-up, the only one serving.
         *
         * @param bundle the bundle
         * @param version the version
         * @param weight the weight
         * @param warmupMillis the warm-up window
         * @param activeSince when it started
         */
        public BundleVersion(String bundle, String version, int weight, long warmupMillis, long activeSince) {
            this(bundle, version, weight, warmupMillis, activeSince, "");
        }

        /**
         * A version announced without warm-up, the only one serving.
         *
         * @param bundle the bundle
         * @param version the version
         * @param weight the weight
         */
        public BundleVersion(String bundle, String version, int weight) {
            this(bundle, version, weight, 0, 0, "");
        }
    }
}
