package io.swivel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.TooLongFrameException;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.SerializationException;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.testing.NettyLeaks;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An OK answer encoded straight into a buffer ({@link FrameEncoder#encodeResult}) is byte for byte
 * the frame {@link FrameEncoder#encode} writes for the same result encoded as a {@code byte[]}, for
 * bodies written in memory and streamed in chunks; the body and frame limits refuse as before; and
 * every buffer is released exactly once, on success (by the owner) and on every refusal (here),
 * as Netty's paranoid leak detector sees it.
 */
class ResultIntoBufferTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    interface Service {
        Holder holder();

        byte[] bytes();
    }

    record Holder(String name, byte[] data, List<String> tags) {
    }

    private static SerializationContext context(int maxBody) {
        return SerializationContext.create(ResultIntoBufferTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Service.class)), maxBody);
    }

    private static byte[] bytes(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] asFrame(SerializationContext context, long id, Object result) {
        ByteBuf out = Unpooled.buffer();
        FrameEncoder.encode(new ResponseFrame(id, Status.OK, context.encode(result)), out, Frame.DEFAULT_MAX_FRAME_LENGTH);
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] intoBuffer(SerializationContext context, long id, Object result, int maxFrame) {
        ByteBuf frame = FrameEncoder.encodeResult(ALLOC, id, context, result, maxFrame);
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            assertThat(frame.release()).isTrue();
        }
    }

    @Test
    void theSameBytesAsTheFrameOfTheEncodedBodyInMemoryAndStreamed() {
        SerializationContext context = context(4 << 20);
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            List<Object> results = Arrays.asList(null, "hello", new Holder("small", bytes(100, 1), List.of("a", "b")),
                    bytes(64 * 1024, 2), bytes(256 * 1024 - 16, 3), bytes(256 * 1024 + 1, 4), bytes(1 << 20, 5),
                    new Holder("nested", bytes(3 << 20, 6), List.of("c")));
            long id = -7;
            for (Object result : results) {
                for (int round = 0; round < 2; round++) { // the pooled Kryo buffer after a long body, too
                    assertThat(intoBuffer(context, id, result, Frame.DEFAULT_MAX_FRAME_LENGTH))
                            .isEqualTo(asFrame(context, id, result));
                    id += 1_000_000_007L;
                }
            }
            leaks.assertNone();
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedAsBeforeAndLeavesNothingAllocated() {
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            for (int limit : new int[] {1000, 300 * 1024, 2 << 20}) {
                SerializationContext context = context(limit);
                byte[] tooLong = bytes(limit + 1, limit);
                assertThatThrownBy(() -> context.encode((Object) tooLong)).isInstanceOf(SerializationException.class)
                        .hasMessageContaining("Buffer overflow");
                assertThatThrownBy(() -> FrameEncoder.encodeResult(ALLOC, 1, context, tooLong, Frame.DEFAULT_MAX_FRAME_LENGTH))
                        .isInstanceOf(SerializationException.class).hasMessageContaining("Buffer overflow");
                byte[] fits = bytes(limit - 8, limit); // the count and the array's class and length fit beside it
                assertThat(intoBuffer(context, 2, fits, Frame.DEFAULT_MAX_FRAME_LENGTH)).isEqualTo(asFrame(context, 2, fits));
            }
            leaks.assertNone();
        }
    }

    @Test
    void aFrameOverTheLimitIsRefusedAndReleased() {
        SerializationContext context = context(4 << 20);
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            for (int length : new int[] {2000, 1 << 20}) {
                byte[] body = bytes(length, length);
                int frame = asFrame(context, 3, body).length - 4;
                assertThatThrownBy(() -> FrameEncoder.encodeResult(ALLOC, 3, context, body, frame - 1))
                        .isInstanceOf(TooLongFrameException.class).hasMessageContaining("exceeds the limit of " + (frame - 1));
                assertThat(intoBuffer(context, 3, body, frame)).hasSize(frame + 4);
            }
            leaks.assertNone();
        }
    }

    @Test
    void theLeakWatchFailsOnABufferNeverReleased() {
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            leakOne();
            assertThat(leaks.awaitLeak(Duration.ofSeconds(20))).isTrue();
            assertThatThrownBy(leaks::assertNone).isInstanceOf(AssertionError.class).hasMessageContaining("without release()");
        }
    }

    private static void leakOne() {
        ByteBuf leaked = ALLOC.directBuffer(16);
        leaked.writeLong(42); // and dropped without release()
    }
}
