package io.swivel.samples.greeter.broken;

import io.swivel.api.RpcService;
import io.swivel.samples.greeter.Greeter;
import io.swivel.samples.greeter.Greeting;
import io.swivel.samples.greeter.GreetingException;
import io.swivel.samples.greeter.Person;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Version 3.0.0 of the greeter. It would answer with {@code (v3)}, but it never serves:
 * {@link BrokenActivator} refuses to start.
 */
@RpcService(Greeter.class)
public final class GreeterBroken implements Greeter {

    /** The bundle version this class belongs to. */
    public static final String VERSION = "3.0.0";

    /**
     * Creates the service; the runtime calls this constructor.
     */
    public GreeterBroken() {
    }

    @Override
    public String greet(String name) {
        return "Hello, " + name + " (v3)";
    }

    @Override
    public Greeting welcome(Person person) {
        return new Greeting("Welcome, " + person.name() + " (v3)", VERSION, Instant.now());
    }

    @Override
    public CompletableFuture<String> greetAsync(String name) {
        return CompletableFuture.completedFuture(greet(name));
    }

    @Override
    public String fail(String message) throws GreetingException {
        throw new GreetingException(message);
    }

    @Override
    public String version() {
        return VERSION;
    }
}
