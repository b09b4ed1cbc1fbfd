package io.swivel.protocol;

/**
 * One decoded {@code swivel/1} frame.
 *
 * <p>On the wire every frame is {@code int32 length} (of what follows), {@code byte magic}
 * ({@link #MAGIC_V1}: high nibble 0xA, low nibble the protocol version), {@code byte type},
 * {@code int64 requestId}, then a type-specific part; see {@link RequestFrame},
 * {@link ResponseFrame} and {@link ControlFrame}. All integers are big-endian.
 */
public sealed interface Frame permits RequestFrame, ResponseFrame, ControlFrame {

    /** The magic/version byte of protocol {@code swivel/1}. */
    byte MAGIC_V1 = (byte) 0xA1;

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
