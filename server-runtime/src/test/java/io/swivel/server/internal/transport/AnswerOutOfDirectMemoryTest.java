package io.swivel.server.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An answer is encoded into the channel's buffers on the bundle's worker. When Netty's allocator
 * is out of direct memory ({@link OutOfDirectMemoryError}, an {@link OutOfMemoryError}), the call is
 * answered {@code INTERNAL} "the answer could not be sent", as when the event loop encoded it,
 * instead of the error escaping to the dispatcher as a fatal error of the bundle; nothing is left
 * allocated. The allocator makes Netty's unpooled buffers, refusing direct ones of 1 KiB or more with the error Netty
 * throws at its direct memory limit (whose constructor is package-private, so made by reflection).
 */
class AnswerOutOfDirectMemoryTest {

    private static final int MAX = 16 * 1024 * 1024;

    interface Service {
        byte[] bytes();
    }

    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /** Netty's unpooled buffers, except that direct ones of 1 KiB and more fail as at Netty's direct memory limit. */
    private static final class ExhaustedAllocator extends AbstractByteBufAllocator {
        ExhaustedAllocator() {
            super(true);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            if (initialCapacity >= 1024) {
                throw outOfDirectMemory(initialCapacity);
            }
            return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static OutOfDirectMemoryError outOfDirectMemory(int capacity) {
        try {
            Constructor<OutOfDirectMemoryError> constructor = OutOfDirectMemoryError.class.getDeclaredConstructor(String.class);
            constructor.setAccessible(true);
            return constructor.newInstance("failed to allocate " + capacity + " byte(s) of direct memory (test limit)");
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot make Netty's OutOfDirectMemoryError", e);
        }
    }

    @Test
    void anAnswerThatRunsOutOfDirectMemoryIsAnsweredInternalInMemoryAndStreamed() {
        SerializationContext serialization = SerializationContext.create(getClass().getClassLoader(),
                TypeAllowlist.forServices(List.of(Service.class)), 4 << 20);
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            FrameDecoder decoder = new FrameDecoder(MAX, new PartialFrameBudget(1024 * 1024));
            ConnectionGuard guard = new ConnectionGuard(decoder,
                    new ConnectionGuard.Settings(16, Duration.ofSeconds(30), Duration.ofSeconds(2)),
                    new TransportEvents(ServerMetrics.none(), new RefusalLog()));
            channel = new EmbeddedChannel(decoder, new FrameEncoder(MAX), guard);
            channel.config().setAllocator(new ExhaustedAllocator());
            long id = 1;
            for (int length : new int[] {4096, 300 * 1024}) { // the body written in memory, and streamed
                RequestFrame request = new RequestFrame(id, "svc", "bytes()", "", 1000, new byte[] {0});
                RpcChannelHandler.WireSink sink = new RpcChannelHandler.WireSink(channel, request, guard,
                        new RpcChannelHandler.Peer(null, null), MAX);
                byte[] result = new byte[length];
                // before, the error escaped (to TrackedCall, which took it for a fatal error of the bundle)
                assertThatCode(() -> sink.ok("generation 1", serialization, result)).doesNotThrowAnyException();
                channel.runPendingTasks();
                ByteBuf out = channel.readOutbound();
                assertThat(out).as("an answer was written for a body of %d bytes", length).isNotNull();
                try {
                    ResponseFrame response = (ResponseFrame) FrameDecoder.parse(out.skipBytes(4));
                    assertThat(response.requestId()).isEqualTo(id);
                    assertThat(response.status()).isEqualTo(Status.INTERNAL);
                    assertThat(response.bodyAsMessage()).startsWith("the answer could not be sent: ")
                            .contains("OutOfDirectMemoryError", "failed to allocate");
                } finally {
                    out.release();
                }
                assertThat(channel.outboundMessages()).isEmpty();
                id++;
            }
            channel.finishAndReleaseAll();
            channel = null;
            leaks.assertNone();
        }
    }
}
