package io.swivel.server.internal.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.CallMetadata;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.PartialFrameBudget;
import io.swivel.protocol.transport.NettyTransport;
import io.swivel.server.config.Limits;
import io.swivel.server.internal.dispatch.Dispatcher;
import io.swivel.server.internal.metrics.ServerMetrics;
import io.swivel.server.internal.tls.ServerTls;
import java.io.Closeable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code swivel/1} listener: a Netty server (epoll when available) feeding the dispatcher.
 * A graceful stop tells every connected client to go elsewhere ({@code GOAWAY}) and stops
 * accepting before the connections close.
 *
 * <p>Bounded by {@link Limits}: connections in total and per address (one past a limit gets
 * {@code GOAWAY} with the reason and is closed; the listening socket stops accepting before the
 * process runs short of file descriptors, see {@link AcceptGate}), the memory of incomplete frames
 * (one {@link PartialFrameBudget} for all connections), and per connection the outbound buffer, the
 * calls in flight and the idle and frame timeouts ({@link ConnectionGuard}). Refusals are counted in
 * {@link ServerMetrics} and logged at most once a minute per cause.
 */
public final class RpcServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    /** Flushes held back at most before one goes out (Netty's default). */
    private static final int FLUSH_BATCH = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

    /** Sockets being refused ({@code GOAWAY} on its way) at once beyond the connection limit, before accepting pauses. */
    static final int REFUSING_SOCKETS = 256;

    private final Dispatcher dispatcher;
    private final int maxFrameLength;
    private final Limits limits;
    private final TransportEvents events;
    private final ServerMetrics metrics;
    private final ConnectionLimiter limiter;
    private final PartialFrameBudget partialFrames;
    private final NettyTransport transport = NettyTransport.best();
    private EventLoopGroup bossGroup;
    private volatile EventLoopGroup workerGroup;
    private Channel serverChannel;
    private final ChannelGroup connections = new DefaultChannelGroup("swivel-rpc", GlobalEventExecutor.INSTANCE);

    /**
     * Creates a server; nothing listens until {@link #start}.
     *
     * @param dispatcher where requests go
     * @param maxFrameLength the longest frame accepted
     * @param limits the bounds on connections, buffers and timeouts
     * @param metrics where refusals and pauses are counted
     */
    public RpcServer(Dispatcher dispatcher, int maxFrameLength, Limits limits, ServerMetrics metrics) {
        this.dispatcher = dispatcher;
        this.maxFrameLength = maxFrameLength;
        this.limits = limits;
        this.metrics = metrics;
        this.events = new TransportEvents(metrics, new RefusalLog());
        this.limiter = new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerAddress());
        long maxDirect = PlatformDependent.maxDirectMemory();
        long budget = partialFrameBudget(limits.maxPartialFrameMemory(), maxDirect);
        if (budget < limits.maxPartialFrameMemory()) {
            log.info("max-partial-frame-memory lowered from {} to {} bytes: half of this JVM's direct-memory limit of {} "
                    + "bytes (-XX:MaxDirectMemorySize, by default -Xmx)", limits.maxPartialFrameMemory(), budget, maxDirect);
        }
        this.partialFrames = new PartialFrameBudget(budget);
    }

    /**
     * The memory for incomplete frames: the configured limit, but at most half of the direct
     * memory the JVM allows, so incomplete frames alone cannot exhaust it.
     *
     * @param configured the {@code max-partial-frame-memory} setting
     * @param maxDirectMemory the JVM's direct-memory limit in bytes; not positive if unknown
     * @return the budget in bytes
     */
    static long partialFrameBudget(long configured, long maxDirectMemory) {
        return maxDirectMemory > 0 ? Math.min(configured, maxDirectMemory / 2) : configured;
    }

    /**
     * The I/O threads, one executor each (they run {@code Swivel-Dispatch: direct} calls): empty
     * before {@link #start}.
     *
     * @return the event loops
     */
    public List<Executor> ioExecutors() {
        EventLoopGroup group = workerGroup;
        List<Executor> loops = new ArrayList<>();
        if (group != null) {
            group.forEach(loops::add);
        }
        return loops;
    }

    /**
     * Binds and starts accepting.
     *
     * @param bind the address to bind
     * @param port the port, 0 for an ephemeral one
     * @return the bound address
     * @throws InterruptedException if interrupted while binding
     */
    public synchronized InetSocketAddress start(String bind, int port) throws InterruptedException {
        return start(bind, port, null);
    }

    /**
     * Binds and starts accepting, speaking TLS when asked: each new connection gets a handler of
     * the newest TLS context (so a rotated certificate serves new connections, and open ones keep
     * theirs), and a failed handshake is reported by its cause.
     *
     * @param bind the address to bind
     * @param port the port, 0 for an ephemeral one
     * @param tls the server's TLS, or null for plain TCP
     * @return the bound address
     * @throws InterruptedException if interrupted while binding
     */
    public synchronized InetSocketAddress start(String bind, int port, ServerTls tls) throws InterruptedException {
        bossGroup = transport.newGroup(1, "swivel-rpc-accept");
        workerGroup = transport.newGroup(0, "swivel-rpc-io");
        FrameEncoder encoder = new FrameEncoder(maxFrameLength);
        ConnectionGuard.Settings guarded = new ConnectionGuard.Settings(limits.maxInFlightPerConnection(),
                limits.idleTimeout(), limits.frameTimeout());
        int high = limits.writeBufferHighWater();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .handler(new AcceptGate(limits.maxConnections() + REFUSING_SOCKETS, new FileDescriptors(), events))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetSocketAddress remote = ch.remoteAddress();
                        if (remote == null) {
                            ch.close(); // gone before it was set up
                            return;
                        }
                        InetAddress peer = remote.getAddress();
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newRpcHandler(ch.alloc()));
                            ch.pipeline().addLast("tls-guard", new TlsHandshakeGuard(events, tls.settings()));
                        }
                        ConnectionLimiter.Outcome outcome = limiter.tryOpen(peer);
                        if (!outcome.served()) {
                            ch.pipeline().addLast(encoder);
                            events.refused(outcome.refusal(), "refused a connection from " + ch.remoteAddress() + ": "
                                    + outcome.reason());
                            GoAway.andClose(ch, outcome.reason());
                            return;
                        }
                        ch.closeFuture().addListener(closed -> limiter.closed(peer));
                        connections.add(ch);
                        FrameDecoder decoder = new FrameDecoder(maxFrameLength, partialFrames,
                                new CallMetadata.Limits(limits.maxMetadataEntries(), limits.maxMetadataBytes()));
                        ConnectionGuard guard = new ConnectionGuard(decoder, guarded, events);
                        // Answers written by bundle workers are flushed together, once per turn of the event
                        // loop, instead of one write(2) per answer.
                        ch.pipeline().addLast(new FlushConsolidationHandler(FLUSH_BATCH, true),
                                decoder, encoder, guard, new RpcChannelHandler(dispatcher, guard, events, maxFrameLength,
                                        limits.callBatch()));
                    }
                });
        metrics.bindTransport(limiter::open, partialFrames::used);
        try {
            serverChannel = bootstrap.bind(bind, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        log.info("swivel/1 listening on {}:{} ({}{})", address.getHostString(), address.getPort(), transport.name(),
                tls == null ? ", plain TCP" : ", TLS with " + tls.providerName()
                        + (tls.settings().mutual() ? ", client certificates required" : ""));
        return address;
    }

    /**
     * Tells every connected client to send no new calls here ({@code GOAWAY}, with a reason)
     * and stops accepting connections; calls already sent are still answered.
     *
     * @param reason why, for the clients' logs
     */
    public synchronized void goAway(String reason) {
        connections.writeAndFlush(new ControlFrame(FrameType.GOAWAY, 0, reason)).awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
    }

    /** @return the connected clients now */
    public int connectionCount() {
        return connections.size();
    }

    /** Stops accepting and closes every connection. Idempotent. */
    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            bossGroup = null;
            workerGroup = null;
        }
    }
}
