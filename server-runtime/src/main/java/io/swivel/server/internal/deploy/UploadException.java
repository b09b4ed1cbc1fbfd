package io.swivel.server.internal.deploy;

import java.util.Objects;

/**
 * A bundle jar sent over the network was refused; nothing in the deploy directory changed. The
 * message says what was wrong and what to do; {@link #reason()} says in one word what it was.
 */
public final class UploadException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an upload was refused. */
    public enum Reason {
        /** More bytes than the upload limit allows. */
        TOO_LARGE,
        /** The content's SHA-256 is not the one the sender announced. */
        SHA256_MISMATCH,
        /** Not a jar, or a jar without {@code Swivel-Bundle}, or with a name or version that is not allowed. */
        NOT_A_BUNDLE,
        /** The deploy directory holds this very content already and it does not serve (it failed or was rolled back). */
        ALREADY_HANDLED,
        /** The deploy directory holds a jar of that name that belongs to another bundle. */
        CONFLICT
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason what was wrong
     * @param message what was wrong, with the values, and what to do
     * @param cause why, or null
     */
    public UploadException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return what was wrong */
    public Reason reason() {
        return reason;
    }
}
