package io.swivel.bench.peer.ceiling;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import io.swivel.bench.workload.UserCalls;
import io.swivel.protocol.Frame;
import io.swivel.protocol.transport.NettyTransport;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling's client: one multiplexed connection, as Swivel's client; sends the recorded
 * request frame of the operation with a fresh request id and completes the caller's future with
 * the length of the matching response frame. Nothing is encoded or decoded.
 */
public final class CeilingCalls implements UserCalls {

    private final EventLoopGroup group;
    private final Channel channel;
    private final Map<Mode, Map<Op, byte[]>> requests = new EnumMap<>(Mode.class);
    private final Map<Long, CompletableFuture<Integer>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();

    /**
     * Connects to a ceiling server.
     *
     * @param host the server's host
     * @param port its port
     * @throws InterruptedException if interrupted while connecting
     */
    public CeilingCalls(String host, int port) throws InterruptedException {
        for (Mode mode : Mode.values()) {
            Map<Op, byte[]> byOp = new EnumMap<>(Op.class);
            for (Op op : Op.values()) {
                byOp.put(op, CeilingFrames.of(op, mode).request());
            }
            requests.put(mode, byOp);
        }
        NettyTransport transport = NettyTransport.best();
        this.group = transport.newGroup(0, "ceiling-client-io");
        try {
            this.channel = new Bootstrap()
                    .group(group)
                    .channel(transport.channelClass())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(Frame.DEFAULT_MAX_FRAME_LENGTH + 4,
                                    0, 4, 0, 4, true), new Matcher());
                        }
                    })
                    .connect(new InetSocketAddress(host, port)).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    @Override
    public Object call(Op op, long seq) throws Exception {
        return send(requests.get(Mode.SYNC).get(op)).get(5, TimeUnit.SECONDS);
    }

    @Override
    public CompletableFuture<?> callAsync(Op op, long seq) {
        return send(requests.get(Mode.ASYNC).get(op));
    }

    private CompletableFuture<Integer> send(byte[] request) {
        long id = nextId.incrementAndGet();
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ByteBuf out = channel.alloc().ioBuffer(request.length);
        out.writeBytes(request);
        out.setLong(CeilingFrames.ID_OFFSET, id);
        channel.writeAndFlush(out).addListener(write -> {
            if (!write.isSuccess()) {
                CompletableFuture<Integer> failed = pending.remove(id);
                if (failed != null) {
                    failed.completeExceptionally(write.cause());
                }
            }
        });
        return answer;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
        IllegalStateException closed = new IllegalStateException("ceiling client closed");
        pending.values().forEach(future -> future.completeExceptionally(closed));
    }

    /** Completes the future of each response by its request id. */
    private final class Matcher extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                CompletableFuture<Integer> answer =
                        pending.remove(frame.getLong(frame.readerIndex() + CeilingFrames.ID_OFFSET_IN_FRAME));
                if (answer != null) {
                    answer.complete(frame.readableBytes());
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IllegalStateException closed = new IllegalStateException("ceiling connection closed");
            pending.values().forEach(future -> future.completeExceptionally(closed));
        }
    }
}
