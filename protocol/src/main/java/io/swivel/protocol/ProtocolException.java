package io.swivel.protocol;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A frame that is not valid {@code swivel/1}. The connection it came from cannot be trusted
 * any further and is closed. Subclasses say what exactly was wrong.
 */
public class ProtocolException extends CorruptedFrameException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong, with the offending values
     */
    public ProtocolException(String message) {
        super(message);
    }

    /** The first byte after the length is not {@link Frame#MAGIC_V1}. */
    public static final class BadMagic extends ProtocolException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param magic the byte found
         */
        public BadMagic(byte magic) {
            super(String.format("bad magic/version byte 0x%02X (expected: 0x%02X, swivel/1); "
                    + "is the peer speaking swivel/1?", magic & 0xFF, Frame.MAGIC_V1 & 0xFF));
        }
    }

    /** The type byte names no {@link FrameType}. */
    public static final class UnknownType extends ProtocolException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param code the type code found
         */
        public UnknownType(int code) {
            super("unknown frame type " + code + " (expected: 1..6, or 2 + 128 for a REQUEST with metadata)");
        }
    }

    /** The frame is shorter than its type requires, or a field inside it is invalid. */
    public static final class Malformed extends ProtocolException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param message what was wrong
         */
        public Malformed(String message) {
            super(message);
        }
    }
}
