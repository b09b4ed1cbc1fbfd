package io.swivel.server.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.transport.NettyTransport;
import io.swivel.server.dispatch.Dispatcher;
import java.io.Closeable;
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
 */
public final class RpcServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    /** Flushes held back at most before one goes out (Netty's default). */
    private static final int FLUSH_BATCH = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

    private final Dispatcher dispatcher;
    private final int maxFrameLength;
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
     */
    public RpcServer(Dispatcher dispatcher, int maxFrameLength) {
        this.dispatcher = dispatcher;
        this.maxFrameLength = maxFrameLength;
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
        bossGroup = transport.newGroup(1, "swivel-rpc-accept");
        workerGroup = transport.newGroup(0, "swivel-rpc-io");
        FrameEncoder encoder = new FrameEncoder(maxFrameLength);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        // Answers written by bundle workers are flushed together, once per turn of the event
                        // loop, instead of one write(2) per answer.
                        ch.pipeline().addLast(new FlushConsolidationHandler(FLUSH_BATCH, true),
                                new FrameDecoder(maxFrameLength), encoder, new RpcChannelHandler(dispatcher));
                    }
                });
        try {
            serverChannel = bootstrap.bind(bind, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        log.info("swivel/1 listening on {}:{} ({})", address.getHostString(), address.getPort(), transport.name());
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
