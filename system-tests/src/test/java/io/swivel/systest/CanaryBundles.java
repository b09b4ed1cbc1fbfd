package io.swivel.systest;

import io.swivel.samples.greeter.Greeter;
import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Greeter versions for the canary tests: answers that name the version, a share of calls that
 * fail on purpose (every call whose running count ends in 0, 1 or 2 for 30%), and optionally the
 * {@code Swivel-Rollout} attribute that makes a dropped jar start as a canary.
 */
final class CanaryBundles {

    /** What a failing call of a flaky greeter throws; its message names the version. */
    static final String BUG = "canary bug";

    private CanaryBundles() {
    }

    /**
     * A greeter bundle.
     *
     * @param work scratch directory
     * @param version the version, answered as {@code (v<version>)} by {@code greet}
     * @param failTenths how many calls in every ten fail with an undeclared exception (0 for none)
     * @param rollout the {@code Swivel-Rollout} attribute, or null
     * @return the jar
     */
    static Path greeter(Path work, String version, int failTenths, String rollout) {
        String pkg = "io.swivel.systest.canary";
        String service = """
                package %1$s;

                import io.swivel.api.RpcService;
                import io.swivel.samples.greeter.Greeter;
                import io.swivel.samples.greeter.Greeting;
                import io.swivel.samples.greeter.GreetingException;
                import io.swivel.samples.greeter.Person;
                import java.time.Instant;
                import java.util.concurrent.CompletableFuture;
                import java.util.concurrent.atomic.AtomicLong;

                @RpcService(Greeter.class)
                public class CanaryGreeter implements Greeter {
                    private final AtomicLong calls = new AtomicLong();

                    private void maybeFail() {
                        if (calls.getAndIncrement() %% 10 < %3$d) {
                            throw new IllegalStateException("v%2$s %4$s");
                        }
                    }

                    public String greet(String name) {
                        maybeFail();
                        return "Hello, " + name + " (v%2$s)";
                    }

                    public Greeting welcome(Person person) {
                        return new Greeting("Welcome, " + person.name() + " (v%2$s)", "%2$s", Instant.now());
                    }

                    public CompletableFuture<String> greetAsync(String name) {
                        return CompletableFuture.completedFuture(greet(name));
                    }

                    public String fail(String message) throws GreetingException {
                        throw new GreetingException(message);
                    }

                    public String version() {
                        maybeFail();
                        return "%2$s";
                    }
                }
                """.formatted(pkg, version, failTenths, BUG);
        String name = "greeter-" + version + "-" + failTenths;
        Path classes = JavaSources.compile(work.resolve("classes-" + name), Map.of(pkg + ".CanaryGreeter", service),
                List.of());
        JarBuilder jar = new JarBuilder().bundle("greeter", version).addTree(classes)
                .add("lib/greeter-api.jar", greeterApiJar(work));
        if (rollout != null) {
            jar.attribute("Swivel-Rollout", rollout);
        }
        return jar.write(work.resolve(name + (rollout != null ? "-rollout" : "") + ".jar"));
    }

    static Path greeterApiJar(Path work) {
        Path location;
        try {
            location = Path.of(Greeter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (Files.isRegularFile(location)) {
            return location;
        }
        Path jar = work.resolve("greeter-api.jar");
        if (!Files.exists(jar)) {
            new JarBuilder().addTree(location).write(jar);
        }
        return jar;
    }
}
