package io.swivel.protocol;

/** The outcome of a call, carried by every {@link ResponseFrame}. */
public enum Status {
    /** The call ran and returned; the body is the Kryo-encoded result. */
    OK(0, false),
    /** The service threw; the body is a {@link RemoteError}. */
    APP_ERROR(1, false),
    /** No such service or method here; the body is a message naming what exists. */
    NOT_FOUND(2, false),
    /** The request could not be decoded or names a refused class; the body is a message. */
    BAD_REQUEST(3, false),
    /** The server is saturated and did not run the call; retry elsewhere. */
    OVERLOADED(4, true),
    /** The call's deadline passed before it ran or finished. */
    DEADLINE_EXCEEDED(5, false),
    /** The bundle is being swapped or unloaded and did not run the call; retry. */
    RELOADING(6, true),
    /** The server failed for a reason of its own; the body is a message. */
    INTERNAL(7, false);

    private static final Status[] BY_CODE = new Status[8];

    static {
        for (Status status : values()) {
            BY_CODE[status.code] = status;
        }
    }

    private final byte code;
    private final boolean retryable;

    Status(int code, boolean retryable) {
        this.code = (byte) code;
        this.retryable = retryable;
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
     * Whether the call certainly did not run, so that any method may be retried.
     *
     * @return true for {@link #OVERLOADED} and {@link #RELOADING}
     */
    public boolean retryable() {
        return retryable;
    }

    /**
     * Finds the status of a wire code.
     *
     * @param code the code
     * @return the status, or {@code null} if none has that code
     */
    public static Status fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
