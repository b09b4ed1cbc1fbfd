package io.swivel.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.TooLongFrameException;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.SerializationException;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@link Frame}s in the {@code swivel/1} format. Refuses a frame longer than the
 * limit the peer enforces, so the failure is reported to the writer instead of closing
 * the connection.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<Frame> {

    private final int maxFrameLength;

    /**
     * Creates an encoder.
     *
     * @param maxFrameLength the longest frame to write, length prefix excluded
     */
    public FrameEncoder(int maxFrameLength) {
        super(Frame.class);
        if (maxFrameLength <= Frame.HEADER_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength
                    + " (expected: > " + Frame.HEADER_LENGTH + ")");
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        int estimate = 4 + Frame.HEADER_LENGTH + 64;
        if (frame instanceof RequestFrame request) {
            estimate += request.body().length + request.service().length() + request.methodKey().length();
            if (!request.metadata().isEmpty()) {
                estimate += 64 * request.metadata().size();
            }
        } else if (frame instanceof ResponseFrame response) {
            estimate += response.body().length;
        }
        return preferDirect ? ctx.alloc().ioBuffer(estimate) : ctx.alloc().heapBuffer(estimate);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        encode(frame, out, maxFrameLength);
    }

    /**
     * Appends one frame to a buffer.
     *
     * @param frame the frame
     * @param out where to write
     * @param maxFrameLength the longest frame allowed, length prefix excluded
     * @throws TooLongFrameException if the frame exceeds the limit
     */
    public static void encode(Frame frame, ByteBuf out, int maxFrameLength) {
        int start = out.writerIndex();
        try {
            out.writeInt(0); // length, patched below
            out.writeByte(Frame.MAGIC_V1);
            boolean metadata = frame instanceof RequestFrame r && !r.metadata().isEmpty();
            out.writeByte(metadata ? frame.type().code() | Frame.FLAG_METADATA : frame.type().code());
            out.writeLong(frame.requestId());
            if (frame instanceof RequestFrame request) {
                out.writeInt(request.timeoutMillis());
                writeShortString(out, request.service(), "service");
                writeShortString(out, request.methodKey(), "methodKey");
                writeShortString(out, request.versionConstraint(), "versionConstraint");
                if (metadata) {
                    CallMetadata.write(out, request.metadata());
                }
                out.writeBytes(request.body());
            } else if (frame instanceof ResponseFrame response) {
                out.writeByte(response.status().code());
                out.writeBytes(response.body());
            } else if (frame instanceof ControlFrame control) {
                out.writeBytes(control.textBytes());
            }
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
        int length = out.writerIndex() - start - 4;
        if (length > maxFrameLength) {
            out.writerIndex(start);
            throw new TooLongFrameException("frame of " + length + " bytes exceeds the limit of "
                    + maxFrameLength + " bytes: " + frame);
        }
        out.setInt(start, length);
    }

    /**
     * Writes the {@link Status#OK} answer to a request straight into a buffer: the same bytes as
     * {@link #encode encode(new ResponseFrame(requestId, OK, context.encode(result)), ...)}, with
     * the result encoded by {@link SerializationContext#encode(ByteBufAllocator, byte[], Object)}
     * behind the frame's header (no {@code byte[]} of the body, no copy of it here).
     *
     * @param alloc allocates the buffer (the channel's)
     * @param requestId the id of the request answered
     * @param context encodes the result
     * @param result what the method returned
     * @param maxFrameLength the longest frame allowed, length prefix excluded
     * @return the frame, length prefix included, owned by the caller (writing it to a channel releases it)
     * @throws SerializationException if the result cannot be encoded or its body is too long
     * @throws TooLongFrameException if the frame exceeds the limit; nothing is left allocated
     */
    public static ByteBuf encodeResult(ByteBufAllocator alloc, long requestId, SerializationContext context, Object result,
                                       int maxFrameLength) {
        byte[] header = new byte[4 + Frame.HEADER_LENGTH + 1];
        header[4] = Frame.MAGIC_V1;
        header[5] = FrameType.RESPONSE.code();
        for (int i = 0; i < 8; i++) {
            header[6 + i] = (byte) (requestId >>> (56 - 8 * i));
        }
        header[14] = Status.OK.code();
        ByteBuf frame = context.encode(alloc, header, result);
        int length = frame.readableBytes() - 4;
        if (length > maxFrameLength) {
            frame.release();
            throw new TooLongFrameException("frame of " + length + " bytes exceeds the limit of " + maxFrameLength
                    + " bytes: ResponseFrame[id=" + requestId + ", OK, body=" + (length - header.length + 4) + " bytes]");
        }
        frame.setInt(0, length);
        return frame;
    }

    private static void writeShortString(ByteBuf out, String value, String field) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException(field + " is " + bytes.length + " bytes (expected: <= 65535)");
        }
        out.writeShort(bytes.length);
        out.writeBytes(bytes);
    }
}
