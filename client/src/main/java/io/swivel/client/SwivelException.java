package io.swivel.client;

import io.swivel.protocol.Status;

/**
 * A call did not produce a result. {@link #status()} says what the server answered, or is
 * {@code null} when no answer came (connection refused or lost, deadline passed locally).
 */
public class SwivelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Status status;

    /**
     * Creates the exception.
     *
     * @param status the server's answer, or {@code null} when there was none
     * @param message what happened and what to do
     * @param cause the underlying failure, or {@code null}
     */
    public SwivelException(Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /**
     * The server's answer.
     *
     * @return the status, or {@code null} when no answer came
     */
    public Status status() {
        return status;
    }
}
