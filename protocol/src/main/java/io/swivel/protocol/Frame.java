package io.swivel.protocol;

/**
 * One decoded {@code swivel/1} frame.
 *
 * <p>On the wire every frame is {@code int32 length} (of what follows), {@code byte magic}
 * ({@link #MAGIC_V1}: high nibble 0xA, low nibble the protocol version), {@code byte type},
 * {@code int64 requestId}, then a type-specific part; see {@link RequestFrame},
 * {@link ResponseFrame} and {@link ControlFrame}. All integers are big-endian.
 *
 * <p>The type byte: its low nibble is the {@link FrameType}'s code, its high nibble flags. The
 * only flag is {@link #FLAG_METADATA}, on a {@code REQUEST} that carries a metadata block. The
 * magic stays {@link #MAGIC_V1} for every frame: a peer that predates metadata sends and
 * understands frames without the flag, which a newer peer reads as before (an old client works
 * with a new server unchanged); a decoder refuses flags it does not know as an unknown type, so
 * a new client sends the flag only on calls that carry metadata.
 */
public sealed interface Frame permits RequestFrame, ResponseFrame, ControlFrame {

    /** The magic/version byte of protocol {@code swivel/1}. */
    byte MAGIC_V1 = (byte) 0xA1;

    /** Flag of the type byte: this {@code REQUEST} carries a metadata block, see {@link CallMetadata}. */
    int FLAG_METADATA = 0x80;

    /** The default limit on a frame's length (16 MiB). */
    int DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

    /** Bytes before the type-specific part, length prefix excluded: magic, type, request id. */
    int HEADER_LENGTH = 1 + 1 + 8;

    /**
     * The frame's type.
     *
     * @return the type
     */
    FrameType type();

    /**
     * The request this frame belongs to; 0 for frames that belong to none.
     *
     * @return the request id
     */
    long requestId();
}
