package io.swivel.client.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.swivel.client.ProxyOptions;
import io.swivel.client.SwivelClient;
import io.swivel.client.balance.Balancers;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.transport.NettyTransport;
import io.swivel.registry.ServiceCatalog;
import io.swivel.registry.ZooKeeperClients;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * The client: connections to one server given by address, or to every server ZooKeeper lists
 * for a service, and proxies that balance and fail over across them.
 */
public final class DefaultSwivelClient implements SwivelClient {

    /** Everything the builder collects. */
    public record Settings(InetSocketAddress address, String zookeeper, Duration timeout, Duration connectTimeout,
                           int maxFrameLength, int ioThreads, Executor callbackExecutor, Balancers balancer,
                           int maxAttempts, Duration heartbeat, int maxInFlightPerConnection,
                           int writeBufferHighWater) {
    }

    private final Settings settings;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final EndpointSource endpoints;
    private final CallRouter router;
    private final Executor callbackExecutor;
    private final ExecutorService ownedCallbackExecutor;
    private final Map<ProxyKey, Object> proxies = new ConcurrentHashMap<>();
    private final ProxyFactory proxyFactory = new ProxyFactory();
    private final AtomicBoolean closed = new AtomicBoolean();

    private record ProxyKey(Class<?> type, ProxyOptions options) {
    }

    /**
     * Creates a client; use {@link SwivelClient#builder()}.
     *
     * @param settings what the builder collected
     */
    public DefaultSwivelClient(Settings settings) {
        this.settings = settings;
        NettyTransport transport = NettyTransport.best();
        this.group = transport.newGroup(settings.ioThreads(), "swivel-client-io");
        if (settings.callbackExecutor() == null) {
            this.ownedCallbackExecutor = Executors.newCachedThreadPool(daemonThreads("swivel-client-callback"));
            this.callbackExecutor = ownedCallbackExecutor;
        } else {
            this.ownedCallbackExecutor = null;
            this.callbackExecutor = settings.callbackExecutor();
        }
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        settings.writeBufferHighWater() / 2, settings.writeBufferHighWater()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis());
        try {
            this.endpoints = settings.zookeeper() != null ? discover(settings.zookeeper())
                    : new FixedEndpoints(endpoint(settings.address().getHostString(), settings.address().getPort()));
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (ownedCallbackExecutor != null) {
                ownedCallbackExecutor.shutdown();
            }
            throw e;
        }
        this.router = new CallRouter(endpoints, settings.maxAttempts(), group);
    }

    private EndpointSource discover(String connectString) {
        CuratorFramework client = ZooKeeperClients.connect(connectString, ZooKeeperClients.DEFAULT_SESSION_TIMEOUT,
                settings.connectTimeout());
        try {
            ServiceCatalog catalog = ServiceCatalog.watch(client, settings.connectTimeout());
            return new DiscoveredEndpoints(client, catalog, connectString, this::endpoint);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private ServerEndpoint endpoint(String host, int port) {
        String remote = host + ":" + port;
        int maxFrameLength = settings.maxFrameLength();
        long heartbeat = settings.heartbeat().toMillis();
        FrameEncoder encoder = new FrameEncoder(maxFrameLength);
        Bootstrap perServer = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // Requests written by caller threads are flushed together, once per turn of the
                // event loop, instead of one write(2) per request.
                ch.pipeline().addLast(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                        new IdleStateHandler(heartbeat, heartbeat, 0, TimeUnit.MILLISECONDS),
                        new FrameDecoder(maxFrameLength), encoder, new Connection(remote,
                                settings.maxInFlightPerConnection()));
            }
        });
        return new ServerEndpoint(host, port, perServer);
    }

    @Override
    public <T> T proxy(Class<T> serviceInterface) {
        return proxy(serviceInterface, ProxyOptions.defaults());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T proxy(Class<T> serviceInterface, ProxyOptions options) {
        ensureOpen();
        Balancers balancer = options.balancer() != null ? options.balancer() : settings.balancer();
        return (T) proxies.computeIfAbsent(new ProxyKey(serviceInterface, options), key -> proxyFactory.create(
                serviceInterface, new ServiceInvoker(this, serviceInterface, settings.maxFrameLength(),
                        balancer.create(), options.version())));
    }

    @Override
    public <T> CompletableFuture<T> async(Supplier<T> call) {
        ensureOpen();
        return AsyncCalls.call(call, true);
    }

    @Override
    public CompletableFuture<Void> async(Runnable call) {
        ensureOpen();
        java.util.Objects.requireNonNull(call, "call");
        return AsyncCalls.call(() -> {
            call.run();
            return null;
        }, false).thenApply(ignored -> null);
    }

    Duration defaultTimeout() {
        return settings.timeout();
    }

    Executor callbackExecutor() {
        return callbackExecutor;
    }

    CompletableFuture<ResponseFrame> send(CallRouter.Call call) {
        ensureOpen();
        return router.send(call);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("client is closed");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        endpoints.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (ownedCallbackExecutor != null) {
            ownedCallbackExecutor.shutdown();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
