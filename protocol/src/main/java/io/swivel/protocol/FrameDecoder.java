package io.swivel.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code swivel/1} frames. A frame longer than the limit fails with Netty's
 * {@link io.netty.handler.codec.TooLongFrameException} as soon as its length prefix is read
 * (nothing is buffered for it); anything else that is not valid {@code swivel/1} fails with a
 * {@link ProtocolException}. Either way the caller should close the connection.
 *
 * <p>Bodies are copied out of the network buffer, so no reference-counted buffer escapes
 * the pipeline. The service names and method keys of a connection's requests repeat: each
 * decoder keeps the last few it decoded ({@link ShortStrings}) and hands out the same string
 * again, whose hash code is already computed, instead of decoding it anew.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    private final ShortStrings names = new ShortStrings();

    /**
     * Creates a decoder.
     *
     * @param maxFrameLength the longest frame accepted, length prefix excluded
     */
    public FrameDecoder(int maxFrameLength) {
        super(checkLimit(maxFrameLength) + 4, 0, 4, 0, 4, true);
    }

    private static int checkLimit(int maxFrameLength) {
        if (maxFrameLength <= Frame.HEADER_LENGTH || maxFrameLength > Integer.MAX_VALUE - 4) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: > "
                    + Frame.HEADER_LENGTH + " and <= " + (Integer.MAX_VALUE - 4) + ")");
        }
        return maxFrameLength;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            return null;
        }
        try {
            return parse(frame, names);
        } finally {
            frame.release();
        }
    }

    /**
     * Parses the content of one frame (the bytes after the length prefix).
     *
     * @param in the frame's bytes; fully consumed
     * @return the frame
     * @throws ProtocolException if the bytes are not a valid frame
     */
    public static Frame parse(ByteBuf in) {
        return parse(in, null);
    }

    private static Frame parse(ByteBuf in, ShortStrings names) {
        require(in, Frame.HEADER_LENGTH, "header");
        byte magic = in.readByte();
        if (magic != Frame.MAGIC_V1) {
            throw new ProtocolException.BadMagic(magic);
        }
        int code = in.readByte();
        FrameType type = FrameType.fromCode(code);
        if (type == null) {
            throw new ProtocolException.UnknownType(code);
        }
        long requestId = in.readLong();
        switch (type) {
            case REQUEST: {
                require(in, 4, "timeout");
                int timeoutMillis = in.readInt();
                if (timeoutMillis < 0) {
                    throw new ProtocolException.Malformed("negative timeout " + timeoutMillis + " in request " + requestId);
                }
                String service = readShortString(in, "service", names);
                String methodKey = readShortString(in, "methodKey", names);
                String constraint = readShortString(in, "versionConstraint", names);
                if (service.isEmpty() || methodKey.isEmpty()) {
                    throw new ProtocolException.Malformed("request " + requestId + " names no service or method");
                }
                return new RequestFrame(requestId, service, methodKey, constraint, timeoutMillis, readRest(in));
            }
            case RESPONSE: {
                require(in, 1, "status");
                int statusCode = in.readByte();
                Status status = Status.fromCode(statusCode);
                if (status == null) {
                    throw new ProtocolException.Malformed("unknown status " + statusCode + " in response " + requestId);
                }
                return new ResponseFrame(requestId, status, readRest(in));
            }
            default:
                return new ControlFrame(type, requestId, new String(readRest(in), StandardCharsets.UTF_8));
        }
    }

    private static String readShortString(ByteBuf in, String field, ShortStrings names) {
        require(in, 2, field + " length");
        int length = in.readUnsignedShort();
        require(in, length, field);
        String value = names != null ? names.decode(in, in.readerIndex(), length)
                : in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    private static byte[] readRest(ByteBuf in) {
        byte[] bytes = new byte[in.readableBytes()];
        in.readBytes(bytes);
        return bytes;
    }

    private static void require(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new ProtocolException.Malformed("frame truncated: " + what + " needs " + bytes
                    + " bytes, " + in.readableBytes() + " left");
        }
    }
}
