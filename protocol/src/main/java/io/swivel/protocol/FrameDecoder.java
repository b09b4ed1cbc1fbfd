package io.swivel.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.buffer.Unpooled;
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
 *
 * <p>Memory: the bytes of a frame are buffered as they arrive, never its claimed length up front, so a
 * prefix that claims 16 MiB followed by a few bytes holds one read buffer. With a
 * {@link PartialFrameBudget}, what the decoder holds after each read (the capacity of the buffer
 * that holds it, at most the longest frame plus one read) is reserved there and given back as frames
 * are decoded; a connection whose bytes do not fit gets a {@link FrameMemoryException}, decodes
 * nothing more, and drops what it receives until it closes. {@link #partialSinceNanos()} tells when the incomplete frame held now
 * began, for a frame timeout.
 *
 * <p>Backpressure: after {@link #pause()} no further frame is decoded (the bytes wait in the buffer)
 * until {@link #resume()}, so the next handler sees no frame while it cannot take one. Pausing does
 * not stop the channel from reading: turn {@code autoRead} off as well. Event loop only.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    private final ShortStrings names = new ShortStrings();
    private final PartialFrameBudget budget;
    private final CallMetadata.Limits metadataLimits;
    private ChannelHandlerContext context;
    /** Bytes reserved in the budget for what this decoder holds now. */
    private long held;
    /** Set when the budget refused this connection: every later byte is dropped. */
    private boolean refused;
    private boolean paused;
    private long decodedFrames;
    private long partialSinceNanos;

    /**
     * Creates a decoder with no budget shared with other connections (a client's).
     *
     * @param maxFrameLength the longest frame accepted, length prefix excluded
     */
    public FrameDecoder(int maxFrameLength) {
        this(maxFrameLength, null);
    }

    /**
     * Creates a decoder that reserves what it buffers in a budget shared by the connections of a server.
     *
     * @param maxFrameLength the longest frame accepted, length prefix excluded
     * @param budget the shared budget, or null for none
     */
    public FrameDecoder(int maxFrameLength, PartialFrameBudget budget) {
        this(maxFrameLength, budget, CallMetadata.Limits.DEFAULTS);
    }

    /**
     * Creates a decoder with a shared budget and limits on the metadata of each request.
     *
     * @param maxFrameLength the longest frame accepted, length prefix excluded
     * @param budget the shared budget, or null for none
     * @param metadataLimits entries and bytes of metadata one request may carry; a request past them
     *     is decoded with its {@link RequestFrame#refusal()} set
     */
    public FrameDecoder(int maxFrameLength, PartialFrameBudget budget, CallMetadata.Limits metadataLimits) {
        super(checkLimit(maxFrameLength) + 4, 0, 4, 0, 4, true);
        this.budget = budget;
        this.metadataLimits = java.util.Objects.requireNonNull(metadataLimits, "metadataLimits");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf in)) {
            super.channelRead(ctx, msg);
            return;
        }
        if (refused) {
            in.release();
            return;
        }
        long framesBefore = decodedFrames;
        try {
            super.channelRead(ctx, msg);
        } finally {
            settle(ctx, framesBefore != decodedFrames);
        }
    }

    /**
     * Reserves what the buffer holds now (nothing when every frame that came was decoded, the common
     * case, so the shared budget is not touched) and notes when its incomplete frame began. Bytes past
     * the budget are counted, since they are held until the connection closes, and refused.
     */
    private void settle(ChannelHandlerContext ctx, boolean decodedSome) {
        ByteBuf buffer = internalBuffer();
        long now = buffer.isReadable() ? buffer.capacity() : 0;
        long more = now - held;
        if (budget != null && more != 0) {
            if (more > 0 && !budget.tryReserve(more)) {
                budget.adjust(more);
                refused = true;
                paused = true;
                ctx.fireExceptionCaught(new FrameMemoryException(held, more, budget.used(), budget.limit()));
            } else if (more < 0) {
                budget.adjust(more);
            }
        }
        held = now;
        if (now == 0 || paused) {
            partialSinceNanos = 0; // nothing held, or held by our own pause: no frame is late
        } else if (decodedSome || partialSinceNanos == 0) {
            long time = context.executor().ticker().nanoTime();
            partialSinceNanos = time != 0 ? time : 1; // 0 means none
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (paused) {
            // Skip the decoder's read() that would fetch more bytes while nothing may be decoded.
            discardSomeReadBytes();
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            giveBack();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        giveBack();
    }

    private void giveBack() {
        if (budget != null) {
            budget.adjust(-held);
        }
        held = 0;
        partialSinceNanos = 0;
    }

    /** Decodes no further frame until {@link #resume()}; the bytes that arrive wait in the buffer. */
    public void pause() {
        paused = true;
        partialSinceNanos = 0;
    }

    /** Decodes again, at once the frames that waited during the pause. */
    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        ChannelHandlerContext ctx = context;
        if (ctx != null && !ctx.isRemoved() && internalBuffer().isReadable()) {
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
                channelReadComplete(ctx);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    /** @return true between {@link #pause()} and {@link #resume()} */
    public boolean isPaused() {
        return paused;
    }

    /** @return the bytes this decoder holds now (the capacity of its buffer), 0 when it holds none */
    public long heldBytes() {
        return held;
    }

    /** @return the bytes of the incomplete frame that arrived so far, 0 when none is held */
    public int partialBytes() {
        return partialSinceNanos == 0 ? 0 : internalBuffer().readableBytes();
    }

    /**
     * When the incomplete frame held now began to arrive.
     *
     * @return its time on the event loop's ticker ({@link System#nanoTime()} unless a test's clock), or 0
     *     if no frame is incomplete (or the decoder is paused)
     */
    public long partialSinceNanos() {
        return partialSinceNanos;
    }

    /** @return the length the incomplete frame held now claims (prefix excluded), or -1 if its prefix is not complete */
    public long claimedLength() {
        ByteBuf buffer = internalBuffer();
        return buffer.readableBytes() >= 4 ? buffer.getUnsignedInt(buffer.readerIndex()) : -1;
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
        if (paused) {
            return null;
        }
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            return null;
        }
        decodedFrames++;
        try {
            return parse(frame, names, metadataLimits);
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
        return parse(in, null, CallMetadata.Limits.DEFAULTS);
    }

    private static Frame parse(ByteBuf in, ShortStrings names, CallMetadata.Limits metadataLimits) {
        require(in, Frame.HEADER_LENGTH, "header");
        byte magic = in.readByte();
        if (magic != Frame.MAGIC_V1) {
            throw new ProtocolException.BadMagic(magic);
        }
        int code = in.readByte() & 0xFF;
        int flags = code & 0xF0;
        FrameType type = FrameType.fromCode(code & 0x0F);
        if (type == null || (flags != 0 && (flags != Frame.FLAG_METADATA || type != FrameType.REQUEST))) {
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
                if (flags == 0) {
                    return new RequestFrame(requestId, service, methodKey, constraint, timeoutMillis, readRest(in));
                }
                CallMetadata.Block metadata = CallMetadata.read(in, requestId, metadataLimits, names);
                return new RequestFrame(requestId, service, methodKey, constraint, timeoutMillis, metadata.entries(),
                        readRest(in), metadata.refusal());
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
