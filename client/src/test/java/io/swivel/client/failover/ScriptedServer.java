package io.swivel.client.failover;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.protocol.transport.NettyTransport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A {@code swivel/1} peer on a real loopback socket whose answers a test scripts: answer,
 * refuse with a status, drop the connection after reading the request, or say nothing at all
 * (not even to pings). It plays the failures a real server cannot be made to show on demand:
 * a hung process, a connection cut after the request left.
 */
final class ScriptedServer implements AutoCloseable {

    /** What the server does with one request. */
    sealed interface Action permits Answer, Refuse, Drop, Ignore, Hold, Throw {
    }

    /** Answers OK with this value. */
    record Answer(Object value) implements Action {
    }

    /** Answers with a status and a message, as a server that will not run the call. */
    record Refuse(Status status) implements Action {
    }

    /** Closes the connection after reading the request, as a server that died while running it. */
    record Drop() implements Action {
    }

    /** Reads the request and never answers. */
    record Ignore() implements Action {
    }

    /** Keeps the request unanswered until {@link #answerHeld} answers every held request. */
    record Hold() implements Action {
    }

    /** Answers {@code APP_ERROR}, as a service that threw this exception. */
    record Throw(RuntimeException error) implements Action {
    }

    /** A request kept by {@link Hold}, and the connection to answer it on. */
    private record Held(ChannelHandlerContext ctx, RequestFrame request) {
    }

    private static final int MAX_FRAME = 1 << 20;

    private final EventLoopGroup group;
    private final Channel listener;
    private final SerializationContext serialization;
    private final ConcurrentLinkedQueue<RequestFrame> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    private volatile Function<RequestFrame, Action> script;
    private volatile boolean answerPings = true;

    private ScriptedServer(int port, Class<?> service, Function<RequestFrame, Action> script) throws InterruptedException {
        this.script = script;
        this.serialization = SerializationContext.create(service.getClassLoader(),
                TypeAllowlist.forServices(List.of(service)), MAX_FRAME);
        this.group = NettyTransport.nio().newGroup(1, "scripted-" + port);
        FrameEncoder encoder = new FrameEncoder(MAX_FRAME);
        this.listener = new ServerBootstrap().group(group).channel(NettyTransport.nio().serverChannelClass())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(MAX_FRAME), encoder, new Handler());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    /** Starts a peer on an ephemeral loopback port. */
    static ScriptedServer start(Class<?> service, Function<RequestFrame, Action> script) throws InterruptedException {
        return new ScriptedServer(0, service, script);
    }

    /** Starts a peer on the given loopback port (a server coming back where it was). */
    static ScriptedServer startOn(int port, Class<?> service, Function<RequestFrame, Action> script)
            throws InterruptedException {
        return new ScriptedServer(port, service, script);
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Changes what the server does with the requests that come next. */
    void script(Function<RequestFrame, Action> next) {
        this.script = next;
    }

    /** Stops answering pings, as a hung process whose socket is still open. */
    void stopAnsweringPings() {
        this.answerPings = false;
    }

    List<RequestFrame> requests() {
        return List.copyOf(requests);
    }

    /** @return how many requests wait in {@link Hold} */
    int held() {
        return held.size();
    }

    /**
     * Answers every held request OK with {@code answer} applied to its decoded arguments.
     *
     * @return how many were answered
     */
    int answerHeld(Function<Object[], Object> answer) {
        int answered = 0;
        for (Held next = held.poll(); next != null; next = held.poll()) {
            Object value = answer.apply(serialization.decode(next.request().body(), -1));
            next.ctx().writeAndFlush(new ResponseFrame(next.request().requestId(), Status.OK, serialization.encode(value)));
            answered++;
        }
        return answered;
    }

    int connectionsOpened() {
        return opened.get();
    }

    int connectionsClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<Frame> {

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            opened.incrementAndGet();
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            closed.incrementAndGet();
            super.channelInactive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            if (frame instanceof ControlFrame control) {
                if (control.type() == FrameType.PING && answerPings) {
                    ctx.writeAndFlush(new ControlFrame(FrameType.PONG, control.requestId(), ""));
                }
                return;
            }
            RequestFrame request = (RequestFrame) frame;
            requests.add(request);
            Action action = script.apply(request);
            if (action instanceof Answer answer) {
                ctx.writeAndFlush(new ResponseFrame(request.requestId(), Status.OK, serialization.encode(answer.value())));
            } else if (action instanceof Refuse refuse) {
                ctx.writeAndFlush(ResponseFrame.message(request.requestId(), refuse.status(),
                        "scripted " + refuse.status()));
            } else if (action instanceof Drop) {
                ctx.close();
            } else if (action instanceof Hold) {
                held.add(new Held(ctx, request));
            } else if (action instanceof Throw thrown) {
                ctx.writeAndFlush(new ResponseFrame(request.requestId(), Status.APP_ERROR,
                        io.swivel.protocol.RemoteError.of(thrown.error()).encode()));
            }
        }
    }
}
