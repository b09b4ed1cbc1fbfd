package io.swivel.server.internal.deploy;

/** A canary command that changed nothing, and why. */
public final class CanaryException extends Exception {

    /** Why nothing changed. */
    public enum Reason {
        /** No such bundle serves here. */
        UNKNOWN_BUNDLE,
        /** The bundle runs no canary. */
        NO_CANARY,
        /** The canary's jar cannot be used (missing, unreadable, another bundle). */
        BAD_JAR,
        /** The canary did not start (it failed to load). */
        START_FAILED
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why
     * @param message what happened and what to do
     */
    public CanaryException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** @return why nothing changed */
    public Reason reason() {
        return reason;
    }
}
