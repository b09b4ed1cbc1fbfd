package io.swivel.protocol;

import java.util.Objects;

/**
 * A call. After the common header: {@code int32 timeoutMillis} (time left until the
 * deadline when sent; 0 means none), then {@code service}, {@code methodKey} and
 * {@code versionConstraint} as UTF-8 strings with an unsigned 16-bit length (an empty
 * constraint means any version), then the Kryo-encoded arguments up to the end of the frame.
 *
 * @param requestId the caller's id for matching the response; unique per connection
 * @param service the service interface's binary name
 * @param methodKey the method's key, see {@link MethodKeys}
 * @param versionConstraint the bundle version the caller requires, or "" for any
 * @param timeoutMillis the time left until the deadline, or 0 for none
 * @param body the encoded arguments
 */
public record RequestFrame(long requestId, String service, String methodKey, String versionConstraint,
                           int timeoutMillis, byte[] body) implements Frame {

    /**
     * Creates a request frame.
     *
     * @param requestId the caller's id for matching the response
     * @param service the service name
     * @param methodKey the method key
     * @param versionConstraint the version constraint, "" for any
     * @param timeoutMillis the time left, 0 for none
     * @param body the encoded arguments
     */
    public RequestFrame {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(methodKey, "methodKey");
        Objects.requireNonNull(versionConstraint, "versionConstraint");
        Objects.requireNonNull(body, "body");
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeoutMillis: " + timeoutMillis + " (expected: >= 0)");
        }
    }

    @Override
    public FrameType type() {
        return FrameType.REQUEST;
    }

    @Override
    public String toString() {
        return "RequestFrame[id=" + requestId + ", " + service + "#" + methodKey
                + ", timeoutMillis=" + timeoutMillis + ", body=" + body.length + " bytes]";
    }
}
