package io.swivel.server.internal.deploy;

/**
 * A rollback that did not happen; the serving version is untouched. The message says why and
 * what to do.
 */
public final class RollbackException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a rollback did not happen. */
    public enum Reason {
        /** No such bundle here. */
        UNKNOWN_BUNDLE,
        /** No earlier version, or not the one named, or it serves already. */
        NOTHING_TO_ROLL_BACK_TO,
        /** The version from history failed to load or start. */
        LOAD_FAILED
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why
     * @param message what happened and what to do
     * @param cause the underlying failure, or null
     */
    public RollbackException(Reason reason, String message, Throwable cause) {
        super(BoundedText.of(message), cause);
        this.reason = reason;
    }

    /** @return why the rollback did not happen */
    public Reason reason() {
        return reason;
    }
}
