package io.swivel.samples.greeter.v2;

import io.swivel.api.RpcService;
import io.swivel.samples.greeter.Greeter;
import io.swivel.samples.greeter.Greeting;
import io.swivel.samples.greeter.GreetingException;
import io.swivel.samples.greeter.Person;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Version 2.0.0 of the greeter: every answer ends in {@code (v2)}, and
 * {@link #welcome(Person)} speaks the person's language when it knows it.
 */
@RpcService(Greeter.class)
public final class GreeterV2 implements Greeter {

    /** The bundle version this class belongs to. */
    public static final String VERSION = "2.0.0";

    private static final Map<String, String> WELCOME = Map.of(
            "en", "Welcome",
            "fr", "Bienvenue",
            "de", "Willkommen",
            "es", "Bienvenido",
            "it", "Benvenuto");

    /**
     * Creates the service; the runtime calls this constructor.
     */
    public GreeterV2() {
    }

    @Override
    public String greet(String name) {
        return "Hello, " + name + " (v2)";
    }

    @Override
    public Greeting welcome(Person person) {
        String language = person.language() == null ? "en" : person.language().toLowerCase(Locale.ROOT);
        String word = WELCOME.getOrDefault(language, WELCOME.get("en"));
        return new Greeting(word + ", " + person.name() + " (v2)", VERSION, Instant.now());
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
