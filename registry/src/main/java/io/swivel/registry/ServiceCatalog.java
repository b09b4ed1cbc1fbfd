package io.swivel.registry;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ZooKeeper lists under {@code /swivel/services}, kept up to date by a watch (a Curator
 * cache, not a query per call). Listeners hear about every change. Registrations of both payload
 * shapes are read (see {@link InstanceCodec}): the Spring-shaped one servers write now and the
 * flat map of earlier releases, so a cluster upgraded one server at a time stays balanced.
 */
public final class ServiceCatalog implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(ServiceCatalog.class);

    private final CuratorCache cache;
    private final InstanceCodec codec = new InstanceCodec();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, List<InstanceInfo>> byService = Map.of();

    private ServiceCatalog(CuratorFramework client) {
        this.cache = CuratorCache.build(client, RegistryPaths.SERVICES);
    }

    /**
     * Starts watching and waits for the first full view.
     *
     * @param client a connected Curator client
     * @param timeout how long to wait for the first view
     * @return the catalog
     * @throws RegistryException if the first view does not arrive in time
     */
    public static ServiceCatalog watch(CuratorFramework client, Duration timeout) {
        ServiceCatalog catalog = new ServiceCatalog(client);
        CountDownLatch initialized = new CountDownLatch(1);
        catalog.cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> catalog.rebuild())
                .forInitialized(() -> {
                    catalog.rebuild();
                    initialized.countDown();
                })
                .build());
        catalog.cache.start();
        try {
            if (!initialized.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                catalog.close();
                throw new RegistryException("ZooKeeper did not list " + RegistryPaths.SERVICES + " within "
                        + timeout.toMillis() + " ms", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            catalog.close();
            throw new RegistryException("interrupted while reading " + RegistryPaths.SERVICES, e);
        }
        return catalog;
    }

    /**
     * The instances serving a service now.
     *
     * @param service the service name
     * @return the instances, sorted by id; empty if none
     */
    public List<InstanceInfo> instances(String service) {
        return byService.getOrDefault(service, List.of());
    }

    /** @return every service and its instances, by service name */
    public Map<String, List<InstanceInfo>> all() {
        return byService;
    }

    /**
     * Adds a listener called after every change (on a ZooKeeper event thread: keep it short).
     *
     * @param listener the listener
     */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    private void rebuild() {
        Map<String, List<InstanceInfo>> next = new HashMap<>();
        cache.stream().forEach(node -> {
            InstanceInfo instance = parse(node);
            if (instance != null) {
                next.computeIfAbsent(instance.service(), s -> new ArrayList<>()).add(instance);
            }
        });
        next.replaceAll((service, list) -> list.stream().sorted(Comparator.comparing(InstanceInfo::id)).toList());
        byService = Map.copyOf(next);
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("a service catalog listener failed: {}", e.toString(), e);
            }
        }
    }

    private InstanceInfo parse(ChildData node) {
        String path = node.getPath();
        if (!path.startsWith(RegistryPaths.SERVICES + "/")) {
            return null;
        }
        List<String> parts = ZKPaths.split(path.substring(RegistryPaths.SERVICES.length()));
        if (parts.size() != 2 || node.getData() == null || node.getData().length == 0) {
            return null; // the base or a service node, not an instance
        }
        try {
            InstanceInfo instance = codec.readSwivel(node.getData());
            if (instance == null) {
                log.debug("ignoring {}: registered by something that is not a Swivel server (no protocol)", path);
            }
            return instance;
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring {}: not a service instance ({})", path, e.getMessage(), e);
            return null;
        }
    }

    /** Stops watching. */
    @Override
    public void close() {
        cache.close();
    }
}
