package io.swivel.server.internal.dispatch;

/** A bundle cannot serve because its name or one of its services is taken. */
public final class ServiceConflictException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what conflicts and what to do
     */
    public ServiceConflictException(String message) {
        super(message);
    }
}
