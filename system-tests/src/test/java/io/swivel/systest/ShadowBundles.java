package io.swivel.systest;

import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Greeter versions for the shadow tests. Their answers do not name the version, so two versions
 * answer alike unless told otherwise: a version may answer {@code "Hi, NAME"} instead of
 * {@code "Hello, NAME"} for names starting with {@code odd-}, take its time over {@code greet},
 * and write the name of every method called on it to a file, one line a call (what the shadow
 * side counts).
 */
final class ShadowBundles {

    private ShadowBundles() {
    }

    /**
     * A greeter bundle.
     *
     * @param work scratch directory
     * @param version the version
     * @param oddDiffers whether names starting with {@code odd-} are answered {@code "Hi, NAME"}
     * @param greetMillis how long {@code greet} takes (0 for no wait)
     * @param callLog the file each call appends its method name to, or null
     * @return the jar
     */
    static Path greeter(Path work, String version, boolean oddDiffers, long greetMillis, Path callLog) {
        return greeter(work, version, oddDiffers, greetMillis, callLog, null);
    }

    /**
     * A greeter bundle whose manifest asks for a rollout.
     *
     * @param rollout the {@code Swivel-Rollout} attribute, such as {@code shadow 100%}, or null
     * @return the jar
     * @see #greeter(Path, String, boolean, long, Path)
     */
    static Path greeter(Path work, String version, boolean oddDiffers, long greetMillis, Path callLog, String rollout) {
        String pkg = "io.swivel.systest.shadow";
        String service = """
                package %1$s;

                import io.swivel.api.RpcService;
                import io.swivel.samples.greeter.Greeter;
                import io.swivel.samples.greeter.Greeting;
                import io.swivel.samples.greeter.GreetingException;
                import io.swivel.samples.greeter.Person;
                import java.io.IOException;
                import java.io.UncheckedIOException;
                import java.nio.file.Files;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                import java.time.Instant;
                import java.util.concurrent.CompletableFuture;

                @RpcService(Greeter.class)
                public class ShadowGreeter implements Greeter {
                    private static final String LOG = "%3$s";

                    private static synchronized void called(String method) {
                        if (LOG.isEmpty()) {
                            return;
                        }
                        try {
                            Files.writeString(Path.of(LOG), method + "\\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }

                    public String greet(String name) {
                        called("greet");
                        if (%5$dL > 0) {
                            try {
                                // simulated slow work: a wait nothing ends early but an interrupt
                                new java.util.concurrent.CountDownLatch(1).await(%5$dL, java.util.concurrent.TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException("interrupted", e);
                            }
                        }
                        return (%4$s && name.startsWith("odd-") ? "Hi, " : "Hello, ") + name;
                    }

                    public Greeting welcome(Person person) {
                        called("welcome");
                        return new Greeting("Welcome, " + person.name(), "%2$s", Instant.now());
                    }

                    public CompletableFuture<String> greetAsync(String name) {
                        called("greetAsync");
                        return CompletableFuture.completedFuture("Hello, " + name);
                    }

                    public String fail(String message) throws GreetingException {
                        called("fail");
                        throw new GreetingException(message);
                    }

                    public String version() {
                        called("version");
                        return "%2$s";
                    }
                }
                """.formatted(pkg, version, callLog == null ? "" : callLog.toAbsolutePath().toString().replace("\\", "\\\\"),
                oddDiffers, greetMillis);
        String name = "shadow-greeter-" + version + "-" + oddDiffers + "-" + greetMillis;
        Path classes = JavaSources.compile(work.resolve("classes-" + name), Map.of(pkg + ".ShadowGreeter", service),
                List.of());
        JarBuilder jar = new JarBuilder().bundle("greeter", version).addTree(classes)
                .add("lib/greeter-api.jar", CanaryBundles.greeterApiJar(work));
        if (rollout != null) {
            jar.attribute("Swivel-Rollout", rollout);
        }
        return jar.write(work.resolve(name + (rollout != null ? "-" + rollout.replaceAll("[^A-Za-z0-9]+", "-") : "")
                + ".jar"));
    }
}
