package io.swivel.server.internal.deploy;

/** A shadow command that changed nothing, and why. */
public final class ShadowException extends Exception {

    /** Why a shadow command was refused. */
    public enum Reason {
        /** No bundle of that name serves here. */
        UNKNOWN_BUNDLE,
        /** The bundle has no shadow to stop, promote or report. */
        NO_SHADOW,
        /** The jar or the settings cannot be used. */
        BAD_REQUEST,
        /** The shadow's version did not load or start, or its promotion did not start. */
        START_FAILED
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why
     * @param message what happened, with the values that matter
     * @param cause the cause, or null
     */
    public ShadowException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return why the command was refused */
    public Reason reason() {
        return reason;
    }
}
