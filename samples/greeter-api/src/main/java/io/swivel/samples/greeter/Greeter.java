package io.swivel.samples.greeter;

import io.swivel.api.Idempotent;
import java.util.concurrent.CompletableFuture;

/**
 * The sample service: every bundle version of {@code greeter} implements it, and every
 * answer names the version that produced it.
 */
public interface Greeter {

    /**
     * Greets someone, for example {@code "Hello, Ada (v1)"}.
     *
     * @param name whom to greet
     * @return the greeting
     */
    @Idempotent
    String greet(String name);

    /**
     * Welcomes a person with a structured greeting.
     *
     * @param person whom to welcome
     * @return the greeting, with the serving version and the time
     */
    Greeting welcome(Person person);

    /**
     * Greets someone asynchronously.
     *
     * @param name whom to greet
     * @return a future completed with the same text as {@link #greet(String)}
     */
    CompletableFuture<String> greetAsync(String name);

    /**
     * Always fails; used to demonstrate and test the error path.
     *
     * @param message the message of the exception
     * @return never returns normally
     * @throws GreetingException always, with {@code message}
     */
    String fail(String message) throws GreetingException;

    /**
     * The version of the bundle that serves this call.
     *
     * @return the bundle version, for example {@code "1.0.0"}
     */
    String version();
}
