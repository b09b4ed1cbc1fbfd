package io.swivel.client.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.transport.NettyTransport;
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

/** The client: one lazily opened, re-opened connection to one server, and proxies over it. */
public final class DefaultSwivelClient implements SwivelClient {

    private final InetSocketAddress address;
    private final Duration timeout;
    private final int maxFrameLength;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Executor callbackExecutor;
    private final ExecutorService ownedCallbackExecutor;
    private final Map<Class<?>, Object> proxies = new ConcurrentHashMap<>();
    private final ProxyFactory proxyFactory = new ProxyFactory();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object connectLock = new Object();
    private volatile Connection connection;
    private CompletableFuture<Connection> connecting;

    /**
     * Creates a client; use {@link SwivelClient#builder()}.
     *
     * @param address the server
     * @param timeout the default call timeout
     * @param connectTimeout the connect timeout
     * @param maxFrameLength the frame size limit
     * @param ioThreads Netty threads, 0 for the default
     * @param callbackExecutor where async results complete, or null for a client-owned pool
     */
    public DefaultSwivelClient(InetSocketAddress address, Duration timeout, Duration connectTimeout, int maxFrameLength,
                               int ioThreads, Executor callbackExecutor) {
        this.address = address;
        this.timeout = timeout;
        this.maxFrameLength = maxFrameLength;
        NettyTransport transport = NettyTransport.best();
        this.group = transport.newGroup(ioThreads, "swivel-client-io");
        if (callbackExecutor == null) {
            this.ownedCallbackExecutor = Executors.newCachedThreadPool(daemonThreads("swivel-client-callback"));
            this.callbackExecutor = ownedCallbackExecutor;
        } else {
            this.ownedCallbackExecutor = null;
            this.callbackExecutor = callbackExecutor;
        }
        FrameEncoder encoder = new FrameEncoder(maxFrameLength);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
        this.bootstrap.handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new FrameDecoder(maxFrameLength), encoder,
                        new Connection(address.getHostString() + ":" + address.getPort()));
            }
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T proxy(Class<T> serviceInterface) {
        ensureOpen();
        return (T) proxies.computeIfAbsent(serviceInterface,
                type -> proxyFactory.create(type, new ServiceInvoker(this, type, maxFrameLength)));
    }

    Duration defaultTimeout() {
        return timeout;
    }

    Executor callbackExecutor() {
        return callbackExecutor;
    }

    /** Sends a request over the connection, opening it first if needed. */
    CompletableFuture<ResponseFrame> send(String service, String methodKey, long timeoutMillis, byte[] body) {
        ensureOpen();
        Connection current = connection;
        if (current != null && current.isUsable()) {
            return current.send(service, methodKey, timeoutMillis, body);
        }
        return connect().thenCompose(c -> c.send(service, methodKey, timeoutMillis, body));
    }

    private CompletableFuture<Connection> connect() {
        synchronized (connectLock) {
            Connection current = connection;
            if (current != null && current.isUsable()) {
                return CompletableFuture.completedFuture(current);
            }
            if (connecting != null) {
                return connecting;
            }
            CompletableFuture<Connection> attempt = new CompletableFuture<>();
            connecting = attempt;
            InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
            ChannelFuture future = bootstrap.connect(resolved);
            future.addListener(done -> {
                synchronized (connectLock) {
                    connecting = null;
                    if (done.isSuccess()) {
                        Connection opened = future.channel().pipeline().get(Connection.class);
                        connection = opened;
                        attempt.complete(opened);
                    } else {
                        attempt.completeExceptionally(new SwivelException(null, "cannot connect to "
                                + address.getHostString() + ":" + address.getPort() + " (" + done.cause().getMessage()
                                + "); is the server running?", done.cause()));
                    }
                }
            });
            return attempt;
        }
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
        Connection current = connection;
        if (current != null) {
            current.close();
        }
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
