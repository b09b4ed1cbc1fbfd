package io.swivel.server.internal.cluster;

import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.registry.ServiceCatalog;
import io.swivel.registry.ServiceRegistrar;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.config.Announce;
import io.swivel.server.config.ServerConfig;
import io.swivel.server.internal.dispatch.BundleSlot;
import io.swivel.server.internal.dispatch.CanarySplit;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import io.swivel.server.internal.Threads;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's place in ZooKeeper: the embedded ZooKeeper (when {@code --zookeeper embedded}),
 * the Curator client, and the registrations of every service that serves, kept in step with
 * the {@link ServiceDirectory} (a swap updates the version, an undeploy removes the service).
 * It follows the client's connection state (for the {@code swivel_zookeeper_connected} gauge)
 * and, on first use, watches what every server registered ({@link #catalog()}).
 *
 * <p>Shutdown is bounded whatever ZooKeeper does: {@link #deregister()} and the closing of the
 * session in {@link #close()} each wait at most {@code --deregister-timeout} (2 s); a step that
 * ZooKeeper does not answer in time is skipped with one log line, and this server's ephemeral
 * nodes then go with its session.
 */
public final class Registration implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(Registration.class);

    private final EmbeddedZooKeeper embedded;
    private final CuratorFramework client;
    private final String connectString;
    private final Duration stepTimeout;
    private final Duration sessionTimeout;
    private final Announce announce;
    /** Publisher thread only: the content each bundle serves and since when, for the warm-up. */
    private final Map<String, Activation> activations = new HashMap<>();
    private AdvertisedAddress advertised;
    private final AtomicBoolean deregistered = new AtomicBoolean();
    private ServiceRegistrar registrar;
    private ExecutorService publisher;
    private final AtomicBoolean publishQueued = new AtomicBoolean();
    private final AtomicBoolean connected = new AtomicBoolean();
    private ServiceCatalog catalog;
    private boolean closed;
    /** Whether the registrations say the {@code swivel/1} port speaks TLS. */
    private boolean tls;

    /** Since when a version serves (its warm-up counts from then). */
    private final java.time.Clock clock;

    /** What a bundle serves (its content hash) and since when (epoch ms). */
    private record Activation(String sha256, long since) {
    }

    private Registration(EmbeddedZooKeeper embedded, CuratorFramework client, String connectString,
                         Duration stepTimeout, Duration sessionTimeout, Announce announce, java.time.Clock clock) {
        this.clock = clock;
        this.announce = announce;
        this.embedded = embedded;
        this.client = client;
        this.connectString = connectString;
        this.stepTimeout = stepTimeout;
        this.sessionTimeout = sessionTimeout;
        client.getConnectionStateListenable().addListener((c, state) -> connected.set(state.isConnected()));
        client.getConnectionStateListenable().addListener(new ZooKeeperConnectionLog(connectString, sessionTimeout, System::nanoTime));
        connected.set(client.getZookeeperClient().isConnected());
    }

    /**
     * Connects to ZooKeeper as configured (starting the embedded one first if asked).
     *
     * @param config the server configuration
     * @param clock since when a version serves, which its warm-up counts from
     * @return the registration, not yet publishing; null when {@code --zookeeper none}
     */
    public static Registration connect(ServerConfig config, java.time.Clock clock) {
        if (config.zookeeper().equals(ServerConfig.NO_ZOOKEEPER)) {
            return null;
        }
        EmbeddedZooKeeper embedded = null;
        String connectString = config.zookeeper();
        if (connectString.equals(ServerConfig.EMBEDDED)) {
            embedded = EmbeddedZooKeeper.start(config.dataDir().resolve("zookeeper"), "127.0.0.1", config.embeddedZkPort());
            connectString = embedded.connectString();
            log.info("embedded ZooKeeper on {} (data in {})", connectString, config.dataDir().resolve("zookeeper"));
        }
        try {
            CuratorFramework client = ZooKeeperClients.connect(connectString, config.zkSessionTimeout(),
                    Duration.ofSeconds(10));
            Registration registration = new Registration(embedded, client, connectString,
                    config.limits().deregisterTimeout(), config.zkSessionTimeout(), config.announce(), clock);
            registration.tls = config.tls().enabled();
            return registration;
        } catch (RuntimeException e) {
            closeQuietly(embedded);
            throw e;
        }
    }

    /** @return where ZooKeeper is, {@code host:port,...} */
    public String connectString() {
        return connectString;
    }

    /** @return the Curator client, for cluster commands */
    public CuratorFramework client() {
        return client;
    }

    /**
     * Whether the ZooKeeper session is connected now, as Curator's connection state listener
     * last reported (connected, reconnected: true; suspended, lost: false).
     *
     * @return true while connected
     */
    public boolean connected() {
        return connected.get();
    }

    /**
     * What ZooKeeper lists under {@code /swivel/services}, every server's instances: a watch
     * started on first use (waiting up to 5 s for its first view) and kept until {@link #close()}.
     *
     * @return the catalog
     * @throws io.swivel.registry.RegistryException if the first view does not arrive in time
     * @throws IllegalStateException if the registration is closed
     */
    public synchronized ServiceCatalog catalog() {
        if (closed) {
            throw new IllegalStateException("the server is shutting down");
        }
        if (catalog == null) {
            catalog = ServiceCatalog.watch(client, Duration.ofSeconds(5));
        }
        return catalog;
    }

    /**
     * Starts publishing this server's services, now and after every change of the directory: each
     * with its weight ({@code --weight}, or the bundle's entry in {@code --bundle-weights}), the
     * admin address, and the warm-up ({@code --warmup}) that starts when the server joins and again
     * whenever a bundle begins to serve other content.
     * Registered under the advertised address ({@code --advertise-address}, else the bound one,
     * else for a wildcard bind an address of this machine's interfaces: see {@link AdvertisedAddress}).
     *
     * @param directory what serves
     * @param rpcAddress the bound {@code swivel/1} address
     * @param adminAddress the bound admin address
     */
    public synchronized void publish(ServiceDirectory directory, InetSocketAddress rpcAddress,
                                     InetSocketAddress adminAddress) {
        advertised = AdvertisedAddress.of(announce, rpcAddress);
        log.info("registering in ZooKeeper as {}:{} ({})", advertised.host(), advertised.port(), advertised.why());
        // the admin address: the same host rules, with the admin port as bound
        String admin = adminAddress == null ? "" : AdvertisedAddress.of(
                announce.withAdvertiseAddress(announce.advertiseHost(), 0), adminAddress).host() + ":" + adminAddress.getPort();
        registrar = new ServiceRegistrar(client, advertised.host(), advertised.port(), admin, Duration.ofSeconds(1),
                tls);
        publisher = Executors.newSingleThreadExecutor(Threads.daemon("swivel-registry-publish"));
        directory.addListener(() -> requestPublish(directory));
        requestPublish(directory);
    }

    private void requestPublish(ServiceDirectory directory) {
        if (!publishQueued.compareAndSet(false, true)) {
            return; // one publication is queued already and will read the newest state
        }
        try {
            publisher.execute(() -> {
                publishQueued.set(false);
                Map<String, ServiceRegistrar.BundleVersion> services = new TreeMap<>();
                long now = clock.millis();
                long warmup = announce.warmup().toMillis();
                Map<String, Activation> seen = new HashMap<>();
                for (BundleSlot slot : directory.slots()) {
                    BundleGeneration active = slot.active();
                    CanarySplit split = slot.split();
                    String versions = split == null || active == null ? "" : active.version() + "=" + (100 - split.weightPercent()) + ","
                            + split.canary().version() + "=" + split.weightPercent();
                    if (active != null) {
                        Activation was = activations.get(active.name());
                        Activation activation = was != null && was.sha256().equals(active.descriptor().sha256()) ? was
                                : new Activation(active.descriptor().sha256(), now);
                        seen.put(active.name(), activation);
                        for (String service : active.serviceNames()) {
                            services.put(service, new ServiceRegistrar.BundleVersion(active.name(), active.version(),
                                    announce.weightOf(active.name()), warmup, activation.since(), versions));
                        }
                    }
                }
                activations.keySet().retainAll(seen.keySet());
                activations.putAll(seen);
                registrar.publish(services);
            });
        } catch (RejectedExecutionException closing) {
            publishQueued.set(false);
        }
    }

    /** @return this server's instance id in ZooKeeper, {@code host:port}, once publishing */
    public synchronized String instanceId() {
        return registrar != null ? registrar.instanceId() : null;
    }

    /**
     * Removes every registration of this server now: the first step of a graceful shutdown.
     * Waits at most {@code --deregister-timeout}; if ZooKeeper does not answer in time, the
     * deregistration is skipped (logged once) and the nodes go with the session. Only the first
     * call does anything.
     */
    public void deregister() {
        if (!deregistered.compareAndSet(false, true)) {
            return;
        }
        ServiceRegistrar publishedBy;
        ExecutorService publishing;
        synchronized (this) {
            publishedBy = registrar;
            publishing = publisher;
        }
        if (publishedBy == null) {
            return; // never published: nothing registered
        }
        BoundedStep.run("deregistration from ZooKeeper at " + connectString, stepTimeout,
                "this server's registrations stay listed until its session is closed or expires (at most "
                        + sessionTimeout.toSeconds() + " s, --zk-session-timeout); clients that reach it meanwhile get GOAWAY",
                () -> {
                    publishing.shutdownNow();
                    try {
                        publishing.awaitTermination(stepTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // over its time: the registrar's close below only stops it
                    }
                    closeQuietly(publishedBy);
                });
    }

    /**
     * Deregisters (unless done already), closes the client and stops the embedded ZooKeeper. The
     * closing of the client waits at most {@code --deregister-timeout}. Idempotent.
     */
    @Override
    public void close() {
        ServiceCatalog watching;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            watching = catalog;
        }
        deregister();
        BoundedStep.run("closing the ZooKeeper session at " + connectString, stepTimeout,
                "the session ends when ZooKeeper expires it (at most " + sessionTimeout.toSeconds()
                        + " s, --zk-session-timeout)",
                () -> {
                    if (watching != null) {
                        watching.close();
                    }
                    client.close();
                });
        closeQuietly(embedded);
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot close {}: {}", closeable.getClass().getSimpleName(), e.toString(), e);
        }
    }
}
