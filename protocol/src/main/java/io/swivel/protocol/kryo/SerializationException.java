package io.swivel.protocol.kryo;

/**
 * A body could not be encoded or decoded. On the server it becomes a {@code BAD_REQUEST}
 * (decoding) or {@code INTERNAL} (encoding) answer; the cause says why.
 */
public final class SerializationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause why
     */
    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Why the decoder refused the body before building all of it (a value that cannot be its
     * declared type, a budget exceeded, a deadline passed, a caller gone), if that was the reason.
     *
     * @return the refusal, or {@code null}
     */
    public DecodeRefusedException refusal() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof DecodeRefusedException refused) {
                return refused;
            }
        }
        return null;
    }

    /**
     * The class name that the allowlist refused, if that was the reason.
     *
     * @return the refused class name, or {@code null}
     */
    public String refusedClass() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof ClassNotAllowedException refused) {
                return refused.className();
            }
        }
        return null;
    }
}
