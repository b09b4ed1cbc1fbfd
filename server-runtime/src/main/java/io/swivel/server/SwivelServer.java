package io.swivel.server;

import io.swivel.api.RpcService;
import io.swivel.classloader.LoaderLeakTracker;
import io.swivel.server.config.ServerConfig;
import io.swivel.server.internal.admin.AdminServer;
import io.swivel.server.internal.admin.AdminToken;
import io.swivel.server.internal.announce.RunningServer;
import io.swivel.server.internal.announce.ServerListener;
import io.swivel.server.internal.bundle.LeftoverHunt;
import io.swivel.server.internal.cluster.ClusterListeners;
import io.swivel.server.internal.deploy.BundleLoader;
import io.swivel.server.internal.deploy.BundleUpload;
import io.swivel.server.internal.deploy.DeployWatcher;
import io.swivel.server.internal.deploy.DeploySettings;
import io.swivel.server.internal.deploy.Deployer;
import io.swivel.server.internal.deploy.Deployments;
import io.swivel.server.internal.dispatch.Dispatcher;
import io.swivel.server.internal.tracing.ServerInterceptors;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import io.swivel.server.internal.health.ServerHealth;
import io.swivel.server.internal.metrics.PrometheusServerMetrics;
import io.swivel.server.internal.tls.ServerTls;
import io.swivel.server.internal.transport.RpcServer;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Swivel server: deploys the bundles of its deploy directory, serves {@code swivel/1} and
 * the admin API, and unloads everything on {@link #close()}; what announces it (registration,
 * cluster commands, following the cluster's desired versions) is a {@link ServerListener} beside
 * it, made by {@link ClusterListeners}. Holds no static state, so several servers can share a JVM.
 */
public final class SwivelServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(SwivelServer.class);
    /** How long the server reports itself degraded after its last fault (an OutOfMemoryError in a call). */
    static final Duration HEALTH_RECOVERY = Duration.ofSeconds(30);

    private final ServerConfig config;
    private final ServiceDirectory directory = new ServiceDirectory();
    private final LoaderLeakTracker leakTracker = new LoaderLeakTracker();
    private final PrometheusServerMetrics metrics = new PrometheusServerMetrics();
    private final ServerHealth health;
    private final BundleLoader bundleLoader;
    private final RpcServer rpcServer;
    private final AdminServer adminServer;
    private final Deployer deployer;
    private final DeployWatcher watcher;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** What announces the server in its cluster; no listener with {@code --zookeeper none}. */
    private final ClusterListeners cluster;
    private final List<ServerListener> listeners;
    /** Tracing and the class path's interceptors, run around every call. */
    private final ServerInterceptors interceptors;
    /** What the listeners see of this server. */
    private final RunningServer view = new View();
    private InetSocketAddress rpcAddress;
    private InetSocketAddress adminAddress;
    /** The TLS of both ports, or null for plain TCP. */
    private ServerTls tls;

    private SwivelServer(ServerConfig config, AdminToken token, Clock clock) {
        this.config = config;
        this.health = new ServerHealth(clock, HEALTH_RECOVERY);
        this.interceptors = ServerInterceptors.load(config.tracing(), System.getenv(), SwivelServer.class.getClassLoader());
        Dispatcher dispatcher = new Dispatcher(directory, metrics, health, clock, config.limits().maxDecodeObjects(),
                interceptors.list());
        metrics.bindLoaderLeakTracker(leakTracker);
        this.bundleLoader = new BundleLoader(new BundleLoader.Settings(
                config.dataDir().resolve("history"), config.dataDir().resolve("work"), config.deployDir(),
                config.stepTimeout(), config.workerThreads(), config.queueCapacity(), config.maxFrameLength(),
                config.limits().maxLibBytes(), config.limits().maxLibRatio(), config.bodyForm()),
                RpcService.class.getClassLoader(), leakTracker, metrics,
                new LeftoverHunt(this::ioThreads, Duration.ofSeconds(1)));
        this.deployer = new Deployer(bundleLoader, directory, config.deployDir(), config.dataDir(),
                new DeploySettings(config.drainTimeout(), config.historyLimit(), config.probation(),
                        config.probationErrorRate(), config.probationMinCalls(), config.stepTimeout(), config.canary(),
                        config.limits().eventLogSize()), metrics,
                clock);
        this.watcher = new DeployWatcher(config.deployDir(), deployer, config.rescanInterval(), config.pendingAfter(),
                config.stalledAfter(), clock);
        this.rpcServer = new RpcServer(dispatcher, config.maxFrameLength(), config.limits(), metrics);
        BundleUpload upload = new BundleUpload(config.deployDir(), config.limits().maxUploadBytes(), deployer);
        this.cluster = ClusterListeners.forConfig(config, clock, token.authorization(), upload,
                deployer.events());
        this.listeners = cluster.listeners();
        this.adminServer = new AdminServer(directory, dispatcher, token, deployer, deployer, deployer,
                deployer.events(), deployer::undeploy, leakTracker, metrics, cluster::registration, health,
                config.limits(), upload);
    }

    /** The RPC I/O threads, where bundle thread-locals are swept at unload (none before the server listens). */
    private List<java.util.concurrent.Executor> ioThreads() {
        return rpcServer.ioExecutors();
    }

    /**
     * Starts a server: deploys what the deploy directory holds, then listens.
     *
     * @param config the configuration
     * @return the running server
     * @throws IOException if a directory cannot be used or a port cannot be bound
     * @throws InterruptedException if interrupted while starting
     */
    public static SwivelServer start(ServerConfig config) throws IOException, InterruptedException {
        return start(config, Clock.systemUTC());
    }

    /**
     * Starts a server whose decisions in time follow a given clock.
     *
     * @param config the configuration
     * @param clock decides when a degraded health mark lapses, when a repeated fault is logged again,
     *     when probation and canary steps end, and when the cluster follower tries a fetch again
     * @return the running server
     * @throws IOException if a directory cannot be used or a port cannot be bound
     * @throws InterruptedException if interrupted while starting
     */
    public static SwivelServer start(ServerConfig config, Clock clock) throws IOException, InterruptedException {
        AdminToken token = AdminToken.loadOrCreate(config.dataDir());
        SwivelServer server = new SwivelServer(config, token, clock);
        try {
            server.startup();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void startup() throws IOException, InterruptedException {
        if (config.tls().enabled()) {
            tls = ServerTls.start(config.tls()); // first: bad certificate files stop the start before anything serves
        }
        listeners.forEach(listener -> listener.serverStarting(view));
        watcher.start();
        deployer.startupDone();
        int bundles = directory.slots().size();
        rpcAddress = rpcServer.start(config.bind(), config.port(), tls);
        adminAddress = adminServer.start(config.bind(), config.adminPort(), config.tls().adminEnabled() ? tls : null);
        listeners.forEach(listener -> listener.serverStarted(view));
        deployer.events().serverStarted("serving " + bundles + " bundle(s) on " + rpcAddress.getHostString() + ":"
                + rpcAddress.getPort() + " (admin port " + adminAddress.getPort() + ", ZooKeeper "
                + zookeeper().orElse("none") + ")");
        log.info("Swivel serving {} bundle(s) from {} on {}:{} (admin port {}, ZooKeeper {})", bundles,
                config.deployDir().toAbsolutePath().normalize(), rpcAddress.getHostString(), rpcAddress.getPort(),
                adminAddress.getPort(), zookeeper().orElse("none"));
    }

    /** @return where this server registers, or empty with {@code --zookeeper none} */
    public Optional<String> zookeeper() {
        return cluster.connectString();
    }

    /**
     * Undeploys a bundle: removes its jar from the deploy directory (a copy stays in
     * {@code <data-dir>/history}), so it stays undeployed after a restart; its services stop
     * resolving at once and its running calls drain.
     *
     * @param bundle the bundle name
     * @return what was undeployed, or empty if no such bundle serves
     */
    public Optional<String> undeploy(String bundle) {
        return deployer.undeploy(bundle);
    }

    /** @return the deployer: status, rollback (for this package's tests; not API) */
    Deployer deployer() {
        return deployer;
    }

    /** @return the bound {@code swivel/1} address */
    public InetSocketAddress rpcAddress() {
        return rpcAddress;
    }

    /** @return the bound admin address */
    public InetSocketAddress adminAddress() {
        return adminAddress;
    }

    /**
     * Not API: for the server's own listeners (ZooKeeper registration) and Swivel's tests; the type
     * is internal and may change.
     *
     * @return which generation serves which service
     */
    public ServiceDirectory directory() {
        return directory;
    }

    /** @return the tracker of closed bundle loaders (for this package's tests; not API) */
    LoaderLeakTracker leakTracker() {
        return leakTracker;
    }

    /**
     * Not API: for the server's own listeners and Swivel's tests; the type is internal and may change.
     *
     * @return this server's meters, as {@code GET /metrics} shows them
     */
    public PrometheusServerMetrics metrics() {
        return metrics;
    }

    /**
     * Not API: for {@code swivel serve}'s uncaught-error handler and Swivel's tests; the type is
     * internal and may change.
     *
     * @return whether this server is healthy or degraded, and why: what {@code GET /v1/health} reports
     */
    public ServerHealth health() {
        return health;
    }

    /** @return the configuration */
    public ServerConfig config() {
        return config;
    }

    /**
     * Stops gracefully: deregisters from ZooKeeper, tells connected clients to go elsewhere
     * ({@code GOAWAY}) and stops accepting, lets the calls in flight finish (up to the drain
     * timeout), then stops and unloads every bundle and closes the ZooKeeper connection.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        watcher.close();
        notify(listeners, ServerListener::serverStopping);
        adminServer.close();
        rpcServer.goAway("server shutting down; send new calls elsewhere");
        int drained = deployer.drainForShutdown();
        rpcServer.close();
        deployer.close();
        notify(listeners, ServerListener::serverStopped);
        if (tls != null) {
            tls.close();
        }
        metrics.close();
        interceptors.close();
        log.info("Swivel stopped in {} ms ({} call(s) finished during shutdown)",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), drained);
    }

    /** Tells every listener, in reverse order; what one throws is logged and the close goes on. */
    private void notify(List<ServerListener> all, java.util.function.BiConsumer<ServerListener, RunningServer> event) {
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                event.accept(all.get(i), view);
            } catch (RuntimeException e) {
                log.warn("server listener {} failed while closing", all.get(i).getClass().getSimpleName(), e);
            }
        }
    }

    /** This server as its listeners see it. */
    private final class View implements RunningServer {
        @Override
        public ServiceDirectory directory() {
            return directory;
        }

        @Override
        public InetSocketAddress rpcAddress() {
            return rpcAddress;
        }

        @Override
        public InetSocketAddress adminAddress() {
            return adminAddress;
        }

        @Override
        public Deployments deployments() {
            return deployer;
        }

        @Override
        public PrometheusServerMetrics metrics() {
            return metrics;
        }
    }
}
