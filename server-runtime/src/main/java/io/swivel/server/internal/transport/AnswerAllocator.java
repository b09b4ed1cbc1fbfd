package io.swivel.server.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.function.Supplier;

/**
 * The channel's allocator as an answer is encoded with it: an {@link OutOfMemoryError} thrown by
 * an allocation becomes an {@link AnswerBufferError}, so that the answer can tell the allocator
 * running out of direct memory from the bundle's value or Kryo running out of heap. Both forms of
 * the direct memory limit are covered: Netty's {@code OutOfDirectMemoryError}, when it counts
 * direct memory itself, and the JDK's "Cannot reserve N bytes of direct buffer memory" from
 * {@code ByteBuffer.allocateDirect}, which is what a stock JDK 17 launch gets (Netty cannot reach
 * the JDK's cleaner-less {@code DirectByteBuffer} constructor without
 * {@code -Dio.netty.tryReflectionSetAccessible=true} and {@code --add-opens java.base/java.nio}).
 */
final class AnswerAllocator implements ByteBufAllocator {

    private final ByteBufAllocator alloc;

    AnswerAllocator(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** An allocation for an answer failed for want of memory; the answer cannot be sent. */
    static final class AnswerBufferError extends OutOfMemoryError {
        private static final long serialVersionUID = 1L;

        AnswerBufferError(OutOfMemoryError cause) {
            super(cause.toString());
            initCause(cause);
        }
    }

    private static <T> T allocate(Supplier<T> allocation) {
        try {
            return allocation.get();
        } catch (AnswerBufferError e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new AnswerBufferError(e);
        }
    }

    @Override
    public ByteBuf buffer() {
        return allocate(alloc::buffer);
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return allocate(() -> alloc.buffer(initialCapacity));
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return allocate(() -> alloc.buffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf ioBuffer() {
        return allocate(alloc::ioBuffer);
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return allocate(() -> alloc.ioBuffer(initialCapacity));
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return allocate(() -> alloc.ioBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf heapBuffer() {
        return allocate(alloc::heapBuffer);
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity) {
        return allocate(() -> alloc.heapBuffer(initialCapacity));
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return allocate(() -> alloc.heapBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf directBuffer() {
        return allocate(alloc::directBuffer);
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
        return allocate(() -> alloc.directBuffer(initialCapacity));
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return allocate(() -> alloc.directBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public CompositeByteBuf compositeBuffer() {
        return allocate(alloc::compositeBuffer);
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return allocate(() -> alloc.compositeBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer() {
        return allocate(alloc::compositeHeapBuffer);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return allocate(() -> alloc.compositeHeapBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer() {
        return allocate(alloc::compositeDirectBuffer);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return allocate(() -> alloc.compositeDirectBuffer(maxNumComponents));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return alloc.isDirectBufferPooled();
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
        return alloc.calculateNewCapacity(minNewCapacity, maxCapacity);
    }
}
