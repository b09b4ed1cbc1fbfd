package io.swivel.server.deploy;

/**
 * A bundle version could not be made to serve. The message says what failed and what to do;
 * the cause, when there is one, says why. The version was discarded and nothing else changed.
 */
public final class DeploymentException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     * @param cause why, or null
     */
    public DeploymentException(String message, Throwable cause) {
        super(message, cause);
    }
}
