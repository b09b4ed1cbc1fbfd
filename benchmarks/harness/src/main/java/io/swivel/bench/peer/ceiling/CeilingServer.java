package io.swivel.bench.peer.ceiling;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
import io.swivel.protocol.Frame;
import io.swivel.protocol.transport.NettyTransport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ceiling's server: splits {@code swivel/1} frames with the same length-prefix decoder
 * settings as Swivel, finds the method key, and answers on the event loop with the pre-encoded
 * response of that method ({@link CeilingFrames}), the request id patched in. No decoding, no
 * executor hop, no service code: the most any framed protocol on Netty can do here.
 */
public final class CeilingServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CeilingServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    private CeilingServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
    }

    /**
     * Starts a server answering every operation in both modes.
     *
     * @param host the address to bind
     * @param port the port, 0 for any free one
     * @return the running server
     * @throws InterruptedException if interrupted while binding
     */
    public static CeilingServer start(String host, int port) throws InterruptedException {
        List<Answer> answers = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (Op op : Op.values()) {
                CeilingFrames frames = CeilingFrames.of(op, mode);
                answers.add(new Answer(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
                        frames.methodKey().getBytes(StandardCharsets.UTF_8))), frames.response()));
            }
        }
        Answer[] table = answers.toArray(Answer[]::new);
        NettyTransport transport = NettyTransport.best();
        EventLoopGroup boss = transport.newGroup(1, "ceiling-accept");
        EventLoopGroup workers = transport.newGroup(0, "ceiling-io");
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(Frame.DEFAULT_MAX_FRAME_LENGTH + 4,
                                    0, 4, 0, 4, true), new Responder(table));
                        }
                    })
                    .bind(new InetSocketAddress(host, port)).sync().channel();
            return new CeilingServer(boss, workers, channel);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    /** @return the bound port */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully().syncUninterruptibly();
        workers.shutdownGracefully().syncUninterruptibly();
    }

    private record Answer(ByteBuf methodKey, byte[] response) {
    }

    /** Answers each request frame with its method's recorded response. */
    private static final class Responder extends ChannelInboundHandlerAdapter {

        private final Answer[] answers;

        Responder(Answer[] answers) {
            this.answers = answers;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            byte[] response;
            long id;
            try {
                int start = frame.readerIndex();
                id = frame.getLong(start + CeilingFrames.ID_OFFSET_IN_FRAME);
                int serviceLength = frame.getUnsignedShort(start + 14);
                int keyStart = start + 16 + serviceLength;
                int keyLength = frame.getUnsignedShort(keyStart);
                response = find(frame, keyStart + 2, keyLength);
            } finally {
                frame.release();
            }
            if (response == null) {
                log.warn("closing {}: a request for an unknown method", ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            ByteBuf out = ctx.alloc().ioBuffer(response.length);
            out.writeBytes(response);
            out.setLong(CeilingFrames.ID_OFFSET, id);
            ctx.write(out, ctx.voidPromise());
        }

        private byte[] find(ByteBuf frame, int keyStart, int keyLength) {
            for (Answer answer : answers) {
                if (answer.methodKey.readableBytes() == keyLength
                        && ByteBufUtil.equals(frame, keyStart, answer.methodKey, 0, keyLength)) {
                    return answer.response;
                }
            }
            return null;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
