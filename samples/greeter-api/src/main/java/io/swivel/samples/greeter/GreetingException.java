package io.swivel.samples.greeter;

/**
 * The checked exception {@link Greeter#fail(String)} throws.
 */
public class GreetingException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the detail message
     */
    public GreetingException(String message) {
        super(message);
    }
}
