package io.swivel.bench.scaling;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.swivel.bench.user.UserService;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.MethodKeys;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.protocol.transport.NettyTransport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Many {@code swivel/1} connections to one server from one small client: every connection on one
 * Netty event-loop group of two threads, a fixed number of calls in flight over all of them,
 * each answer starting the next call on the next connection in turn, so every connection carries
 * calls and only their count changes between runs. Each request is a frame Swivel's own encoder
 * wrote once (the {@code UserService} method's key and Kryo arguments, as the proxy writes them)
 * with a fresh request id; an answer is matched by id and counted an error unless its status is
 * OK. The server does all its real work; the client decodes nothing, so its cost stays the same
 * whatever the number of connections (a {@code SwivelClient} per connection would bring an event
 * loop and a callback pool each). Latency: HdrHistogram, nanoseconds, three significant digits.
 */
final class FrameLoad implements AutoCloseable {

    /** Where the request id sits in a whole frame, length prefix included. */
    private static final int ID_OFFSET = 4 + 2;
    /** Where the status sits in a response frame whose length prefix was stripped. */
    private static final int STATUS_OFFSET = Frame.HEADER_LENGTH;
    private static final int CONNECTS_AT_ONCE = 64;

    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();
    private final byte[] request;
    private final Map<Long, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong nextChannel = new AtomicLong();
    private final Recorder recorder = new Recorder(3);
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean running;
    private volatile CountDownLatch drained = new CountDownLatch(0);

    /**
     * Opens the connections.
     *
     * @param host the server's host
     * @param port its {@code swivel/1} port
     * @param connections how many
     * @param request the whole request frame (length prefix included), request id 0
     * @param timeout for all the connections together
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if a connection fails or the time runs out
     */
    FrameLoad(String host, int port, int connections, byte[] request, Duration timeout) throws InterruptedException {
        this.request = request.clone();
        NettyTransport transport = NettyTransport.best();
        this.group = transport.newGroup(2, "scaling-client-io");
        Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(Frame.DEFAULT_MAX_FRAME_LENGTH + 4,
                                0, 4, 0, 4, true), new Answers());
                    }
                });
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            InetSocketAddress address = new InetSocketAddress(host, port);
            while (channels.size() < connections) {
                List<ChannelFuture> batch = new ArrayList<>();
                for (int i = 0; i < CONNECTS_AT_ONCE && channels.size() + batch.size() < connections; i++) {
                    batch.add(bootstrap.connect(address));
                }
                for (ChannelFuture connect : batch) {
                    long left = deadline - System.nanoTime();
                    if (!connect.await(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
                        throw new IllegalStateException("connection " + (channels.size() + 1) + " of " + connections
                                + " not open within " + timeout.toSeconds() + " s");
                    }
                    if (!connect.isSuccess()) {
                        throw new IllegalStateException("connection " + (channels.size() + 1) + " of " + connections
                                + " failed: " + connect.cause(), connect.cause());
                    }
                    channels.add(connect.channel());
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A request frame for a {@code UserService} method, as Swivel's proxy writes it.
     *
     * @param method the method's name
     * @param parameterTypes its parameter types
     * @param args the arguments
     * @return the whole frame, length prefix included, request id 0
     */
    static byte[] request(String method, Class<?>[] parameterTypes, Object... args) {
        SerializationContext serialization = SerializationContext.create(UserService.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(UserService.class)), Frame.DEFAULT_MAX_FRAME_LENGTH);
        String methodKey;
        try {
            methodKey = MethodKeys.of(UserService.class.getMethod(method, parameterTypes));
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("UserService has no method " + method, e);
        }
        ByteBuf buffer = Unpooled.buffer();
        try {
            FrameEncoder.encode(new RequestFrame(0, UserService.class.getName(), methodKey, "", 5000,
                    serialization.encode(args)), buffer, Frame.DEFAULT_MAX_FRAME_LENGTH);
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            return bytes;
        } finally {
            buffer.release();
        }
    }

    /** @return the connections open */
    int connections() {
        return channels.size();
    }

    /**
     * Starts keeping calls in flight.
     *
     * @param inFlight how many calls at any time, over all connections
     */
    void start(int inFlight) {
        if (running) {
            throw new IllegalStateException("already running");
        }
        running = true;
        drained = new CountDownLatch(1);
        for (int i = 0; i < inFlight; i++) {
            send();
        }
    }

    /**
     * What was measured since the last call (or the start), and resets.
     *
     * @param seconds how long the interval was
     * @return calls answered, errors and the latency histogram
     */
    Interval interval(double seconds) {
        Histogram histogram = recorder.getIntervalHistogram();
        return new Interval(seconds, histogram, errors.sumThenReset(), firstError.getAndSet(null));
    }

    /**
     * Stops starting calls and waits for those in flight.
     *
     * @param timeout how long to wait for them
     * @return the calls still unanswered after the timeout (counted as errors)
     * @throws InterruptedException if interrupted
     */
    int stop(Duration timeout) throws InterruptedException {
        running = false;
        if (pending.isEmpty()) {
            drained.countDown();
        }
        drained.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        int left = pending.size();
        pending.clear();
        return left;
    }

    private void send() {
        long id = nextId.incrementAndGet();
        Channel channel = channels.get((int) Math.floorMod(nextChannel.getAndIncrement(), (long) channels.size()));
        ByteBuf out = channel.alloc().ioBuffer(request.length);
        out.writeBytes(request);
        out.setLong(ID_OFFSET, id);
        pending.put(id, System.nanoTime());
        channel.writeAndFlush(out).addListener(write -> {
            if (!write.isSuccess() && pending.remove(id) != null) {
                failed("write failed: " + write.cause());
                next();
            }
        });
    }

    private void answered(long id, Status status, String message) {
        Long start = pending.remove(id);
        if (start == null) {
            return;
        }
        if (status == Status.OK) {
            recorder.recordValue(System.nanoTime() - start);
        } else {
            failed(status + ": " + message);
        }
        next();
    }

    private void next() {
        if (running) {
            send();
        } else if (pending.isEmpty()) {
            drained.countDown();
        }
    }

    private void failed(String error) {
        errors.increment();
        firstError.compareAndSet(null, error);
    }

    @Override
    public void close() {
        running = false;
        for (Channel channel : channels) {
            channel.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * One measured interval.
     *
     * @param seconds its length
     * @param latency nanoseconds per answered call
     * @param errors calls answered with another status than OK, or not written
     * @param firstError the first of them, or null
     */
    record Interval(double seconds, Histogram latency, long errors, String firstError) {

        /** @return calls answered OK per second */
        double opsPerSecond() {
            return seconds > 0 ? latency.getTotalCount() / seconds : 0;
        }

        /**
         * @param percentile for example 99
         * @return that percentile in microseconds
         */
        double micros(double percentile) {
            return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** Matches each answer to its call by request id. */
    private final class Answers extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                int at = frame.readerIndex();
                FrameType type = FrameType.fromCode(frame.getByte(at + 1) & ~Frame.FLAG_METADATA);
                if (type == FrameType.GOAWAY) {
                    failed("GOAWAY: " + frame.toString(at + Frame.HEADER_LENGTH, frame.readableBytes()
                            - Frame.HEADER_LENGTH, StandardCharsets.UTF_8));
                }
                if (type != FrameType.RESPONSE) {
                    return; // a HELLO or PONG the server sends on its own needs no answer here
                }
                long id = frame.getLong(at + 2);
                Status status = Status.fromCode(frame.getByte(at + STATUS_OFFSET));
                String message = status == Status.OK ? null
                        : frame.toString(at + STATUS_OFFSET + 1, frame.readableBytes() - STATUS_OFFSET - 1, StandardCharsets.UTF_8);
                answered(id, status, message);
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (running) {
                failed("a connection closed: " + ctx.channel());
            }
        }
    }
}
