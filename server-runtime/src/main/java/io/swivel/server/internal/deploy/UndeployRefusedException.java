package io.swivel.server.internal.deploy;

/** An undeploy that would delete the only copy of a jar that did not deploy, refused with what to do instead. */
public final class UndeployRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what the jar holds, and what to do
     */
    public UndeployRefusedException(String message) {
        super(message);
    }
}
