package io.swivel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.SerializationException;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.testing.NettyLeaks;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An answer longer than {@code IN_MEMORY} is streamed, and a member of a record or plain object
 * is then written aside first to learn its chunk's length: that copy is bounded by the body limit,
 * so a member larger than a whole body is refused as the body is, without an array beyond the
 * limit; a member that leaves the body exactly at the limit still encodes to the bytes of the
 * in-memory path.
 */
class LargeMemberAnswerTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final int LIMIT = 1 << 20;

    interface Service {
        Page page();
    }

    record Page(String name, byte[] rows, List<String> tags) {
    }

    private static SerializationContext context() {
        return SerializationContext.create(LargeMemberAnswerTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Service.class)), LIMIT);
    }

    private static Page page(int length) {
        byte[] rows = new byte[length];
        new Random(length).nextBytes(rows);
        return new Page("p", rows, List.of("t"));
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aMemberLargerThanTheBodyLimitIsRefusedWithoutAllocatingBeyondIt() {
        SerializationContext context = context();
        Page huge = page(48 << 20);
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            for (int round = 0; round < 2; round++) {
                long before = allocatedByThisThread();
                assertThatThrownBy(() -> FrameEncoder.encodeResult(ALLOC, 1, context, huge, Frame.DEFAULT_MAX_FRAME_LENGTH))
                        .isInstanceOf(SerializationException.class)
                        .hasMessageContaining("Buffer overflow. Max capacity: " + LIMIT);
                long allocated = allocatedByThisThread() - before;
                // the in-memory attempt and the bounded copy, each at most the limit, doubling as they grow
                assertThat(allocated).as("bytes allocated refusing a 48 MiB member under a 1 MiB limit")
                        .isLessThan(8L * LIMIT);
            }
            assertThatThrownBy(() -> context.encode(huge)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Buffer overflow"); // the byte[] path, patched in place: refused as ever
            leaks.assertNone();
        }
    }

    @Test
    void aMemberThatLeavesTheBodyAtTheLimitStillEncodesAsInMemory() {
        SerializationContext context = context();
        int probe = 512 * 1024; // the same varint lengths as near the limit
        int overhead = context.encode(page(probe)).length - probe;
        Page fits = page(LIMIT - overhead);
        byte[] body = context.encode(fits);
        assertThat(body).hasSize(LIMIT);
        byte[] header = {9, 9, 9};
        try (NettyLeaks leaks = NettyLeaks.watch()) {
            ByteBuf streamed = context.encode(ALLOC, header, fits);
            try {
                byte[] bytes = ByteBufUtil.getBytes(streamed);
                assertThat(bytes).hasSize(header.length + LIMIT);
                assertThat(Arrays.copyOfRange(bytes, header.length, bytes.length)).isEqualTo(body);
            } finally {
                assertThat(streamed.release()).isTrue();
            }
            Page over = page(LIMIT - overhead + 1);
            assertThatThrownBy(() -> context.encode(ALLOC, header, over)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Buffer overflow. Max capacity: " + LIMIT);
            leaks.assertNone();
        }
    }
}
