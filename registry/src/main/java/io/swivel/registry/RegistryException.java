package io.swivel.registry;

/** ZooKeeper could not be reached or used; the message says what to do. */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do
     * @param cause why, or null
     */
    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
