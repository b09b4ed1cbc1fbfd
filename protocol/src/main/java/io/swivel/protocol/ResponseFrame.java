package io.swivel.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The answer to a request. After the common header: {@code byte status}, then the body up to
 * the end of the frame: the Kryo-encoded result for {@link Status#OK}, a {@link RemoteError}
 * for {@link Status#APP_ERROR}, and a UTF-8 message for every other status.
 *
 * @param requestId the id of the request answered
 * @param status the outcome
 * @param body the body as described above
 */
public record ResponseFrame(long requestId, Status status, byte[] body) implements Frame {

    /**
     * Creates a response frame.
     *
     * @param requestId the id of the request answered
     * @param status the outcome
     * @param body the body
     */
    public ResponseFrame {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(body, "body");
    }

    /**
     * A response whose body is a plain message, for statuses other than OK and APP_ERROR.
     *
     * @param requestId the id of the request answered
     * @param status the outcome
     * @param message what happened and what to do
     * @return the frame
     */
    public static ResponseFrame message(long requestId, Status status, String message) {
        return new ResponseFrame(requestId, status, message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The body read as a UTF-8 message.
     *
     * @return the message
     */
    public String bodyAsMessage() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public FrameType type() {
        return FrameType.RESPONSE;
    }

    @Override
    public String toString() {
        return "ResponseFrame[id=" + requestId + ", " + status + ", body=" + body.length + " bytes]";
    }
}
