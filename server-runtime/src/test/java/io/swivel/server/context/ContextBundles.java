package io.swivel.server.context;

import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds bundle jars of the {@link Whoami} service, compiled in the test. With {@code requireTenant}
 * its activator adds an interceptor through {@code BundleContext.addInterceptor} that refuses calls
 * without a {@code tenant} metadata entry and records what it saw. With {@code relayClient} the jar
 * carries the Swivel client and its libraries in {@code lib/}, as a bundle that calls other services.
 */
public final class ContextBundles {

    /** The bundle name. */
    public static final String BUNDLE = "whoami";

    private ContextBundles() {
    }

    /**
     * Builds a bundle jar.
     *
     * @param work a scratch directory
     * @param version the bundle version
     * @param requireTenant add the interceptor that refuses calls without a tenant
     * @param relayClient put the Swivel client in {@code lib/} so {@link Whoami#relay} works
     * @param attributes more manifest attributes ({@code Swivel-Dispatch})
     * @return the jar
     */
    public static Path build(Path work, String version, boolean requireTenant, boolean relayClient,
                             Map<String, String> attributes) {
        String pkg = "io.swivel.server.context.impl";
        String service = """
                package %s;

                import io.swivel.api.CallContext;
                import io.swivel.api.RpcService;
                import io.swivel.server.context.Whoami;
                import java.util.concurrent.CompletableFuture;

                @RpcService
                public class WhoamiService implements Whoami {

                    public String describe() {
                        CallContext call = CallContext.current();
                        return "tenant=" + call.metadata("tenant")
                                + ";bundle=" + call.bundleName() + "@" + call.bundleVersion()
                                + ";service=" + call.service() + "#" + call.method()
                                + ";remote=" + call.remoteAddress().map(a -> a.getAddress().getHostAddress()).orElse("none")
                                + ";deadline=" + call.timeLeft().map(t -> t.toMillis() > 0 && t.toMillis() <= 60_000).orElse(false)
                                + ";peer=" + call.peerPrincipal().map(Object::toString).orElse("none")
                                + ";traceparent=" + call.metadata("traceparent")
                                + ";thread=" + Thread.currentThread().getName();
                    }

                    public CompletableFuture<String> describeAsync() {
                        return CompletableFuture.completedFuture(describe());
                    }

                    public String tenant(String label) {
                        String tenant = CallContext.current().metadata("tenant");
                        return label + ":" + (tenant != null ? tenant : "none");
                    }

                    public String seen() {
                        return String.join("\\n", WhoamiActivator.SEEN);
                    }

                    public String relay(int port) {
                        %s
                    }
                }
                """.formatted(pkg, relayClient ? """
                        try (io.swivel.client.SwivelClient client = io.swivel.client.SwivelClient.builder()
                                .address("127.0.0.1", port).build()) {
                            return client.proxy(Whoami.class).describe();
                        }""" : "throw new UnsupportedOperationException(\"built without a client\");");
        String activator = """
                package %s;

                import io.swivel.api.BundleActivator;
                import io.swivel.api.BundleContext;
                import io.swivel.api.CallRefusedException;
                import java.util.List;
                import java.util.concurrent.CopyOnWriteArrayList;

                public class WhoamiActivator implements BundleActivator {
                    static final List<String> SEEN = new CopyOnWriteArrayList<>();

                    public void start(BundleContext context) {
                        if (%b) {
                            context.addInterceptor((call, args, next) -> {
                                SEEN.add(call.service() + "#" + call.method() + " args=" + java.util.Arrays.toString(args)
                                        + " tenant=" + call.metadata("tenant") + " on " + Thread.currentThread().getName());
                                if (call.metadata("tenant") == null) {
                                    throw new CallRefusedException(CallRefusedException.Status.BAD_REQUEST,
                                            "no tenant in the call's metadata; send one with SwivelClient.withMetadata(\\"tenant\\", ...)");
                                }
                                return next.proceed();
                            });
                        }
                    }

                    public void stop(BundleContext context) {
                    }
                }
                """.formatted(pkg, requireTenant);
        try {
            Path classes = work.resolve("classes-" + version + "-" + requireTenant + "-" + relayClient);
            List<Path> classpath = relayClient ? clientJars(work) : List.of();
            JavaSources.compile(classes, Map.of(pkg + ".WhoamiService", service, pkg + ".WhoamiActivator", activator),
                    classpath);
            Path api = Path.of(Whoami.class.getResource("Whoami.class").toURI());
            Files.createDirectories(work);
            JarBuilder builder = new JarBuilder().bundle(BUNDLE, version);
            attributes.forEach(builder::attribute);
            builder.addTree(classes).add("io/swivel/server/context/Whoami.class", api);
            for (Path lib : classpath) {
                builder.add("lib/" + lib.getFileName(), lib);
            }
            return builder.write(work.resolve(BUNDLE + "-" + version + "-" + requireTenant + "-" + relayClient + ".jar"));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The jars of the Swivel client and what it needs, from this test's class path: what a bundle
     * that calls other services carries in its {@code lib/}.
     */
    static List<Path> clientJars(Path work) {
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            String name = path.getFileName().toString();
            boolean client = entry.contains("/client/target/") || entry.contains("/protocol/target/")
                    || entry.contains("/registry/target/");
            // No native library: the JVM lets one class loader only load it, and the server's Netty holds it,
            // so the bundle's Netty finds no epoll and uses NIO.
            boolean nativeCode = name.contains("-linux-") || name.contains("-osx-") || name.startsWith("netty-tcnative");
            boolean library = name.endsWith(".jar") && !nativeCode && (name.startsWith("netty-") || name.startsWith("kryo")
                    || name.startsWith("minlog") || name.startsWith("objenesis") || name.startsWith("reflectasm")
                    || name.startsWith("byte-buddy") || name.startsWith("curator-") || name.startsWith("zookeeper")
                    || name.startsWith("jackson-"));
            if (client && Files.isDirectory(path)) { // a module's classes, not yet a jar
                String module = path.getParent().getParent().getFileName().toString();
                jars.add(new JarBuilder().addTree(path).write(work.resolve("libs").resolve("swivel-" + module + ".jar")));
            } else if (client || library) {
                jars.add(path);
            }
        }
        return jars;
    }
}
