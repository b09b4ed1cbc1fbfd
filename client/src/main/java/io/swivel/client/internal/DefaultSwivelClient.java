package io.swivel.client.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.swivel.client.ClientTls;
import io.swivel.client.ClientInterceptor;
import io.swivel.client.ProxyOptions;
import io.swivel.client.SwivelClient;
import io.swivel.client.balance.Balancers;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.kryo.BodyForm;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.transport.NettyTransport;
import io.swivel.registry.ServiceCatalog;
import io.swivel.registry.ZooKeeperClients;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client: connections to one server given by address, or to every server ZooKeeper lists
 * for a service, and proxies that balance and fail over across them.
 */
public final class DefaultSwivelClient implements SwivelClient {

    private static final Logger log = LoggerFactory.getLogger(DefaultSwivelClient.class);

    /** Everything the builder collects. */
    public record Settings(InetSocketAddress address, String zookeeper, Duration timeout, Duration connectTimeout,
                           int maxFrameLength, int ioThreads, Executor callbackExecutor, Balancers balancer,
                           int maxAttempts, Duration heartbeat, int maxInFlightPerConnection,
                           int writeBufferHighWater, List<ClientInterceptor> interceptors, ClientTls tls,
                           BodyForm bodyForm) {
    }

    private final Settings settings;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final EndpointSource endpoints;
    private final CallRouter router;
    private final Executor callbackExecutor;
    private final ExecutorService ownedCallbackExecutor;
    private final CompletionLane completionLane;
    private final Map<ProxyKey, Object> proxies = new ConcurrentHashMap<>();
    private final ProxyFactory proxyFactory = new ProxyFactory();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The TLS of every connection when the builder asked for it, else null. */
    private final SslContext sslContext;
    /** For servers registered with TLS when the builder did not ask for it: the JDK's trust roots; made on first use. */
    private volatile SslContext systemTrustContext;
    /** The certificate this client presents, or null. */
    private final java.security.cert.X509Certificate clientCertificate;

    private record ProxyKey(Class<?> type, ProxyOptions options) {
    }

    /**
     * Creates a client; use {@link SwivelClient#builder()}.
     *
     * @param settings what the builder collected
     */
    public DefaultSwivelClient(Settings settings) {
        this.settings = settings;
        java.security.cert.X509Certificate[] ours = new java.security.cert.X509Certificate[1];
        this.sslContext = settings.tls() != null ? ClientSsl.build(settings.tls(), c -> ours[0] = c) : null;
        this.clientCertificate = ours[0];
        if (settings.tls() != null) {
            log.debug("TLS with {} ({})", ClientSsl.providerName(settings.tls().provider()), settings.tls());
        }
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
                    : new FixedEndpoints(endpoint(settings.address().getHostString(), settings.address().getPort(),
                            sslContext != null));
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (ownedCallbackExecutor != null) {
                ownedCallbackExecutor.shutdown();
            }
            throw e;
        }
        this.router = new CallRouter(endpoints, settings.maxAttempts(), group);
        this.completionLane = new CompletionLane(callbackExecutor,
                (task, delayNanos) -> group.schedule(task, delayNanos, TimeUnit.NANOSECONDS),
                Runtime.getRuntime().availableProcessors());
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

    /**
     * One server: plain TCP, or TLS with the builder's settings (the JDK's trust roots if it gave
     * none). A plain-TCP server of a client told to use TLS is refused, never used without TLS.
     */
    private ServerEndpoint endpoint(String host, int port, boolean tls) {
        String remote = host + ":" + port;
        if (!tls && sslContext != null) {
            return ServerEndpoint.refused(host, port, remote + " is registered without TLS and this client speaks only"
                    + " TLS (builder().tls(...)); start that server with --tls-cert and --tls-key");
        }
        SslContext ssl = tls ? (sslContext != null ? sslContext : systemTrust()) : null;
        int maxFrameLength = settings.maxFrameLength();
        long heartbeat = settings.heartbeat().toMillis();
        FrameEncoder encoder = new FrameEncoder(maxFrameLength);
        Bootstrap perServer = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (ssl == null) {
                    ch.pipeline().addLast(new IdleStateHandler(heartbeat, heartbeat, 0, TimeUnit.MILLISECONDS));
                } else {
                    // The TLS handshake is bounded by its own timeout (Netty's, 10 s): a server busy with
                    // its first handshakes is not silent. The heartbeat starts once it is done, and
                    // watches the socket's bytes, in front of the TLS handler.
                    ch.attr(TlsErrors.CLIENT_CERTIFICATE).set(ssl == sslContext ? clientCertificate : null);
                    SslHandler tlsHandler = ssl.newHandler(ch.alloc(), host, port);
                    ch.pipeline().addLast("tls", tlsHandler);
                    tlsHandler.handshakeFuture().addListener(done -> {
                        if (done.isSuccess() && ch.isActive()) {
                            ch.pipeline().addBefore("tls", "heartbeat",
                                    new IdleStateHandler(heartbeat, heartbeat, 0, TimeUnit.MILLISECONDS));
                        }
                    });
                }
                // Requests written by caller threads are flushed together, once per turn of the
                // event loop, instead of one write(2) per request (and, with TLS, into fewer records).
                ch.pipeline().addLast(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                        new FrameDecoder(maxFrameLength), encoder, new Connection(remote,
                                settings.maxInFlightPerConnection()));
            }
        });
        return new ServerEndpoint(host, port, perServer);
    }

    private SslContext systemTrust() {
        SslContext made = systemTrustContext;
        if (made == null) {
            synchronized (this) {
                made = systemTrustContext;
                if (made == null) {
                    made = ClientSsl.build(ClientTls.systemTrust());
                    systemTrustContext = made;
                }
            }
        }
        return made;
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
                serviceInterface, new ServiceInvoker(this, serviceInterface, settings.maxFrameLength(), settings.bodyForm(),
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

    List<ClientInterceptor> interceptors() {
        return settings.interceptors();
    }

    Executor callbackExecutor() {
        return callbackExecutor;
    }

    /** Where asynchronous answers are decoded and completed: on {@link #callbackExecutor()}, several per task. */
    CompletionLane completionLane() {
        return completionLane;
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
        completionLane.timerGone(); // the group's shutdown dropped any check armed on it
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
