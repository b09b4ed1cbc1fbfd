package io.swivel.server.fatal;

import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builds bundle {@value #BUNDLE} 1.0.0 serving {@link Fatal}, with its own copy of the API. */
public final class FatalBundles {

    /** The bundle name. */
    public static final String BUNDLE = "fatal";

    private FatalBundles() {
    }

    /**
     * Builds the jar.
     *
     * @param work scratch directory
     * @param jar where it goes
     * @param attributes more manifest attributes, such as {@code Swivel-Dispatch: direct}
     * @return the jar
     */
    public static Path build(Path work, Path jar, Map<String, String> attributes) {
        String pkg = "io.swivel.server.fatal.impl";
        String service = """
                package %s;

                import io.swivel.api.RpcService;
                import io.swivel.server.fatal.Fatal;
                import io.swivel.server.fatal.FatalAnswer;
                import java.util.concurrent.CompletableFuture;

                @RpcService
                public class FatalService implements Fatal {
                    public String hello(String name) {
                        return "Hello, " + name;
                    }

                    public String thread() {
                        return Thread.currentThread().getName();
                    }

                    public String outOfMemory(String message) {
                        throw new OutOfMemoryError(message);
                    }

                    public int recurse(int depth) {
                        return recurse(depth + 1) + 1;
                    }

                    public CompletableFuture<String> outOfMemoryLater(String message) {
                        return CompletableFuture.failedFuture(new OutOfMemoryError(message));
                    }

                    public FatalAnswer unencodable(String message) {
                        return new FatalAnswer("oom:" + message);
                    }

                    public String open(io.swivel.server.fatal.FatalParcel parcel) {
                        return parcel.text;
                    }
                }
                """.formatted(pkg);
        Path classes = JavaSources.compile(work.resolve("fatal-classes-" + jar.getFileName()),
                Map.of(pkg + ".FatalService", service), List.of());
        JarBuilder builder = new JarBuilder().bundle(BUNDLE, "1.0.0").addTree(classes);
        attributes.forEach(builder::attribute);
        for (Class<?> api : List.of(Fatal.class, FatalAnswer.class, FatalParcel.class)) {
            try {
                builder.add(api.getName().replace('.', '/') + ".class",
                        Path.of(api.getResource(api.getSimpleName() + ".class").toURI()));
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return builder.write(jar);
    }
}
