package io.swivel.server.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.internal.OutOfDirectMemoryError;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.PartialFrameBudget;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.server.internal.metrics.ServerMetrics;
import io.swivel.testing.NettyLeaks;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An answer is encoded into the channel's buffers on the bundle's worker. When the allocator is out
 * of direct memory, the call is answered {@code INTERNAL} "the answer could not be sent", as when
 * the event loop encoded it, instead of the error escaping to the dispatcher as a fatal error of the
 * bundle; nothing is left allocated. Both forms of the limit: Netty's {@link OutOfDirectMemoryError}
 * (when Netty counts direct memory itself; its constructor is package-private, so made by
 * reflection) and the JDK's {@link OutOfMemoryError} "Cannot reserve N bytes of direct buffer
 * memory" from {@code ByteBuffer.allocateDirect}, which is what Netty's allocators meet on a stock
 * JDK 17 launch. An {@link OutOfMemoryError} of the value's own code is not the allocator's: it
 * still escapes, for the dispatcher to treat as fatal ({@code FatalErrorTest} shows what it answers).
 */
class AnswerOutOfDirectMemoryTest {

    private static final int MAX = 16 * 1024 * 1024;

    /** The header of a streamed answer: length prefix, frame header, status. */
    private static final int STREAMED_HEADER = 15;

    /** A record whose accessor runs out of heap, as a bundle's code may. */
    public record Exhausting(byte[] data) {
        @Override
        public byte[] data() {
            throw new OutOfMemoryError("Java heap space (thrown by the value's accessor)");
        }
    }

    interface Service {
        byte[] bytes();

        Exhausting exhausting();
    }

    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Netty's unpooled buffers, except that direct ones of {@code refusedFrom} bytes and more fail
     * with {@code error}, at most {@code refusals} times (so that the small frame of the failure can
     * be written); remembers the capacities it refused.
     */
    private static final class ExhaustedAllocator extends AbstractByteBufAllocator {
        private final int refusedFrom;
        private final IntFunction<OutOfMemoryError> error;
        private int refusals;
        final List<Integer> refused = new ArrayList<>();

        ExhaustedAllocator(int refusedFrom, int refusals, IntFunction<OutOfMemoryError> error) {
            super(true);
            this.refusedFrom = refusedFrom;
            this.refusals = refusals;
            this.error = error;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            if (initialCapacity >= refusedFrom && refusals > 0) {
                refusals--;
                refused.add(initialCapacity);
                throw error.apply(initialCapacity);
            }
            return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    /** Netty's form, thrown when it counts direct memory itself (its no-cleaner buffers). */
    private static OutOfMemoryError nettyLimit(int capacity) {
        try {
            Constructor<OutOfDirectMemoryError> constructor = OutOfDirectMemoryError.class.getDeclaredConstructor(String.class);
            constructor.setAccessible(true);
            return constructor.newInstance("failed to allocate " + capacity + " byte(s) of direct memory (test limit)");
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot make Netty's OutOfDirectMemoryError", e);
        }
    }

    /** The JDK's form, thrown by {@code java.nio.Bits.reserveMemory} under {@code ByteBuffer.allocateDirect}. */
    private static OutOfMemoryError jdkLimit(int capacity) {
        return new OutOfMemoryError("Cannot reserve " + capacity
                + " bytes of direct buffer memory (allocated: 8388000, limit: 8388608)");
    }

    private SerializationContext serialization() {
        return SerializationContext.create(getClass().getClassLoader(), TypeAllowlist.forServices(List.of(Service.class)),
                4 << 20);
    }

    private ConnectionGuard channelWith(ExhaustedAllocator alloc) {
        FrameDecoder decoder = new FrameDecoder(MAX, new PartialFrameBudget(1024 * 1024));
        ConnectionGuard guard = new ConnectionGuard(decoder,
                new ConnectionGuard.Settings(16, Duration.ofSeconds(30), Duration.ofSeconds(2)),
                new TransportEvents(ServerMetrics.none(), new RefusalLog()));
        channel = new EmbeddedChannel(decoder, new FrameEncoder(MAX), guard);
        channel.config().setAllocator(alloc);
        return guard;
    }

    private RpcChannelHandler.WireSink sink(ConnectionGuard guard, long id, String methodKey) {
        RequestFrame request = new RequestFrame(id, "svc", methodKey, "", 1000, new byte[] {0});
        return new RpcChannelHandler.WireSink(channel, request, guard, new RpcChannelHandler.Peer(null, null), MAX);
    }

    /** Answers {@code result} and checks the one frame written: INTERNAL, could not be sent, naming the error. */
    private void assertAnsweredCouldNotBeSent(ConnectionGuard guard, long id, Object result, String... named) {
        RpcChannelHandler.WireSink sink = sink(guard, id, "bytes()");
        SerializationContext serialization = serialization();
        // before, the error escaped (to TrackedCall, which took it for a fatal error of the bundle)
        assertThatCode(() -> sink.ok("generation 1", serialization, result)).doesNotThrowAnyException();
        channel.runPendingTasks();
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("an answer was written for call %d", id).isNotNull();
        try {
            ResponseFrame response = (ResponseFrame) FrameDecoder.parse(out.skipBytes(4));
            assertThat(response.requestId()).isEqualTo(id);
            assertThat(response.status()).isEqualTo(Status.INTERNAL);
            assertThat(response.bodyAsMessage()).startsWith("the answer could not be sent: ").contains(named);
        } finally {
            out.release();
        }
        assertThat(channel.outboundMessages()).isEmpty();
    }

    private void finish(NettyLeaks leaks) {
        channel.finishAndReleaseAll();
        channel = null;
        leaks.assertNone();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"netty", "jdk"})
    void anAnswerThatRunsOutOfDirectMemoryIsAnsweredInternalInMemoryAndStreamed(String form) {
        boolean netty = form.equals("netty");
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            ExhaustedAllocator alloc = new ExhaustedAllocator(1024, Integer.MAX_VALUE,
                    netty ? AnswerOutOfDirectMemoryTest::nettyLimit : AnswerOutOfDirectMemoryTest::jdkLimit);
            ConnectionGuard guard = channelWith(alloc);
            String[] named = netty ? new String[] {"OutOfDirectMemoryError", "failed to allocate"}
                    : new String[] {"java.lang.OutOfMemoryError: Cannot reserve", "bytes of direct buffer memory"};
            // the body written in memory (one buffer of its size), then streamed (the header, then 64 KiB chunks)
            assertAnsweredCouldNotBeSent(guard, 1, new byte[4096], named);
            assertAnsweredCouldNotBeSent(guard, 2, new byte[300 * 1024], named);
            assertThat(alloc.refused).hasSize(2).allSatisfy(capacity -> assertThat(capacity).isGreaterThan(STREAMED_HEADER));
            finish(leaks);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"netty", "jdk"})
    void theFirstBufferOfAStreamedAnswerRefusedIsAnsweredInternal(String form) {
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            ExhaustedAllocator alloc = new ExhaustedAllocator(1, 1,
                    form.equals("netty") ? AnswerOutOfDirectMemoryTest::nettyLimit : AnswerOutOfDirectMemoryTest::jdkLimit);
            ConnectionGuard guard = channelWith(alloc);
            assertAnsweredCouldNotBeSent(guard, 1, new byte[300 * 1024], "MemoryError: ", " " + STREAMED_HEADER + " byte");
            assertThat(alloc.refused).as("only the header was asked for").containsExactly(STREAMED_HEADER);
            finish(leaks);
        }
    }

    @Test
    void anOutOfMemoryErrorOfTheValuesOwnCodeStillEscapesAsFatal() {
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            ExhaustedAllocator alloc = new ExhaustedAllocator(1, 0, AnswerOutOfDirectMemoryTest::jdkLimit);
            ConnectionGuard guard = channelWith(alloc);
            RpcChannelHandler.WireSink sink = sink(guard, 1, "exhausting()");
            SerializationContext serialization = serialization();
            // TrackedCall catches it as a VirtualMachineError: FatalErrors records it against the bundle
            assertThatThrownBy(() -> sink.ok("generation 1", serialization, new Exhausting(new byte[16])))
                    .isExactlyInstanceOf(OutOfMemoryError.class)
                    .hasMessage("Java heap space (thrown by the value's accessor)");
            channel.runPendingTasks();
            assertThat(channel.outboundMessages()).as("the sink wrote nothing; the dispatcher answers").isEmpty();
            assertThat(alloc.refused).isEmpty();
            finish(leaks);
        }
    }
}
