package io.swivel.samples.greeter.v1;

import io.swivel.api.RpcService;
import io.swivel.samples.greeter.Greeter;
import io.swivel.samples.greeter.Greeting;
import io.swivel.samples.greeter.GreetingException;
import io.swivel.samples.greeter.Person;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Version 1.0.0 of the greeter: every answer ends in {@code (v1)}.
 */
@RpcService(Greeter.class)
public final class GreeterV1 implements Greeter {

    /** The bundle version this class belongs to. */
    public static final String VERSION = "1.0.0";

    /**
     * Creates the service; the runtime calls this constructor.
     */
    public GreeterV1() {
    }

    @Override
    public String greet(String name) {
        return "Hello, " + name + " (v1)";
    }

    @Override
    public Greeting welcome(Person person) {
        return new Greeting("Welcome, " + person.name() + " (v1)", VERSION, Instant.now());
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
