package io.swivel.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A HELLO, PING, PONG or GOAWAY frame. After the common header comes a UTF-8 text up to the
 * end of the frame: the peer's description for HELLO, the reason for GOAWAY, empty otherwise.
 *
 * @param type HELLO, PING, PONG or GOAWAY
 * @param requestId a correlation id (PING and PONG) or 0
 * @param text the text, possibly empty
 */
public record ControlFrame(FrameType type, long requestId, String text) implements Frame {

    /**
     * Creates a control frame.
     *
     * @param type a control type
     * @param requestId a correlation id or 0
     * @param text the text
     */
    public ControlFrame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(text, "text");
        if (type == FrameType.REQUEST || type == FrameType.RESPONSE) {
            throw new IllegalArgumentException("type: " + type + " (expected: HELLO, PING, PONG or GOAWAY)");
        }
    }

    /**
     * The text as UTF-8 bytes.
     *
     * @return the encoded text
     */
    byte[] textBytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
