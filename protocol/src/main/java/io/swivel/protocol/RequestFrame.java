package io.swivel.protocol;

import java.util.Map;
import java.util.Objects;

/**
 * A call. After the common header: {@code int32 timeoutMillis} (time left until the
 * deadline when sent; 0 means none), then {@code service}, {@code methodKey} and
 * {@code versionConstraint} as UTF-8 strings with an unsigned 16-bit length (an empty
 * constraint means any version), then, only when the type byte carries
 * {@link Frame#FLAG_METADATA}, the call's metadata block (see {@link CallMetadata}), then the
 * Kryo-encoded arguments up to the end of the frame.
 *
 * <p>A request whose metadata block is past the decoder's {@link CallMetadata.Limits} is still
 * decoded (the block is skipped, never allocated): its {@link #refusal()} says why, and the
 * server answers it {@code BAD_REQUEST} without running it.
 *
 * @param requestId the caller's id for matching the response; unique per connection
 * @param service the service interface's binary name
 * @param methodKey the method's key, see {@link MethodKeys}
 * @param versionConstraint the bundle version the caller requires, or "" for any
 * @param timeoutMillis the time left until the deadline, or 0 for none
 * @param metadata the call's string metadata (unmodifiable; empty for none)
 * @param body the encoded arguments
 * @param refusal why the decoder refused the metadata block, or null
 */
public record RequestFrame(long requestId, String service, String methodKey, String versionConstraint,
                           int timeoutMillis, Map<String, String> metadata, byte[] body, String refusal)
        implements Frame {

    /**
     * Creates a request frame.
     *
     * @param requestId the caller's id for matching the response
     * @param service the service name
     * @param methodKey the method key
     * @param versionConstraint the version constraint, "" for any
     * @param timeoutMillis the time left, 0 for none
     * @param metadata the metadata, empty for none
     * @param body the encoded arguments
     * @param refusal why the metadata was refused, or null
     */
    public RequestFrame {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(methodKey, "methodKey");
        Objects.requireNonNull(versionConstraint, "versionConstraint");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(body, "body");
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeoutMillis: " + timeoutMillis + " (expected: >= 0)");
        }
    }

    /**
     * Creates a request frame with metadata.
     *
     * @param requestId the caller's id for matching the response
     * @param service the service name
     * @param methodKey the method key
     * @param versionConstraint the version constraint, "" for any
     * @param timeoutMillis the time left, 0 for none
     * @param metadata the metadata (used as given: pass an unmodifiable map), empty for none
     * @param body the encoded arguments
     */
    public RequestFrame(long requestId, String service, String methodKey, String versionConstraint,
                        int timeoutMillis, Map<String, String> metadata, byte[] body) {
        this(requestId, service, methodKey, versionConstraint, timeoutMillis, metadata, body, null);
    }

    /**
     * Creates a request frame without metadata.
     *
     * @param requestId the caller's id for matching the response
     * @param service the service name
     * @param methodKey the method key
     * @param versionConstraint the version constraint, "" for any
     * @param timeoutMillis the time left, 0 for none
     * @param body the encoded arguments
     */
    public RequestFrame(long requestId, String service, String methodKey, String versionConstraint,
                        int timeoutMillis, byte[] body) {
        this(requestId, service, methodKey, versionConstraint, timeoutMillis, Map.of(), body, null);
    }

    @Override
    public FrameType type() {
        return FrameType.REQUEST;
    }

    @Override
    public String toString() {
        return "RequestFrame[id=" + requestId + ", " + service + "#" + methodKey
                + ", timeoutMillis=" + timeoutMillis + ", metadata=" + metadata.size() + " entries"
                + (refusal != null ? " (refused: " + refusal + ")" : "") + ", body=" + body.length + " bytes]";
    }
}
