package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.io.OutputStream;

/**
 * Where a long body is streamed by Kryo: a prefix, then the body in buffers of {@value #CHUNK}
 * bytes from the allocator (a size the pooled allocator serves from its pages), gathered in a
 * composite buffer that is never copied to grow. Refuses a body longer than the limit as Kryo's
 * own buffer would. One thread; {@link #finish()} or {@link #discard()} once.
 */
final class BufferBodyStream extends OutputStream {

    /** The size of each buffer of the body, and of Kryo's staging buffer in front of them. */
    static final int CHUNK = 64 * 1024;

    private final ByteBufAllocator alloc;
    private final int maxBodyLength;
    private final CompositeByteBuf composite;
    private ByteBuf current;
    private long written;

    BufferBodyStream(ByteBufAllocator alloc, byte[] prefix, int maxBodyLength) {
        this.alloc = alloc;
        this.maxBodyLength = maxBodyLength;
        this.composite = alloc.compositeBuffer(maxBodyLength / CHUNK + 3);
        ByteBuf head;
        try {
            head = alloc.ioBuffer(prefix.length);
        } catch (RuntimeException | Error e) { // out of direct memory, say: the composite is not handed to anyone
            composite.release();
            throw e;
        }
        composite.addComponent(true, head.writeBytes(prefix));
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        written += length;
        if (written > maxBodyLength) {
            throw new KryoBufferOverflowException("Buffer overflow. Max capacity: " + maxBodyLength + ", required: " + written);
        }
        while (length > 0) {
            if (current == null) {
                current = alloc.ioBuffer(CHUNK, CHUNK);
            }
            int n = Math.min(length, current.writableBytes());
            current.writeBytes(bytes, offset, n);
            offset += n;
            length -= n;
            if (!current.isWritable()) {
                addCurrent();
            }
        }
    }

    private void addCurrent() {
        ByteBuf full = current;
        current = null;
        composite.addComponent(true, full);
    }

    /** The prefix and the body; the caller owns it. */
    ByteBuf finish() {
        if (current != null) {
            addCurrent();
        }
        return composite;
    }

    /** Releases what was written (the encoding failed). */
    void discard() {
        if (current != null) {
            current.release();
            current = null;
        }
        composite.release();
    }
}
