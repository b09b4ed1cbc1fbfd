package io.swivel.protocol;

/** The kind of a {@code swivel/1} frame, with its code on the wire. */
public enum FrameType {
    /** Opens a connection: protocol and peer description. */
    HELLO(1),
    /** A call: service, method key, deadline and Kryo-encoded arguments. */
    REQUEST(2),
    /** The answer to a request: status and body. */
    RESPONSE(3),
    /** Liveness probe on an idle connection. */
    PING(4),
    /** The answer to a ping. */
    PONG(5),
    /** The peer is going away: send no new requests on this connection. */
    GOAWAY(6);

    private static final FrameType[] BY_CODE = new FrameType[8];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final byte code;

    FrameType(int code) {
        this.code = (byte) code;
    }

    /**
     * The code on the wire.
     *
     * @return the code
     */
    public byte code() {
        return code;
    }

    /**
     * Finds the type of a wire code.
     *
     * @param code the code
     * @return the type, or {@code null} if no type has that code
     */
    public static FrameType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
