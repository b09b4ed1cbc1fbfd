package io.swivel.systest;

import io.swivel.samples.greeter.Greeter;
import io.swivel.systest.api.Bag;
import io.swivel.systest.api.Echo;
import io.swivel.systest.api.Hog;
import io.swivel.systest.api.Swap;
import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import io.swivel.testing.SampleBundles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Bundle jars compiled inside the tests: the {@link Echo} bundle of the cluster tests, the
 * {@link Swap} versions swapped under load, greeter versions broken in every way the bad-bundle
 * tests need, and the sample jars Maven built.
 */
final class SystestBundles {

    static final String GREETER = Greeter.class.getName();

    private SystestBundles() {
    }

    /**
     * A sample bundle jar built by the samples modules.
     *
     * @param artifact greeter-v1, greeter-v2 or greeter-broken
     * @return the jar
     */
    static Path sample(String artifact) {
        return SampleBundles.jar(artifact);
    }

    /**
     * The {@link Echo} bundle: answers name the server (system property) and the version.
     *
     * @param work scratch directory
     * @param version the bundle version
     * @return the jar
     */
    static Path echo(Path work, String version) {
        String pkg = "io.swivel.systest.echo";
        String service = """
                package %s;

                import io.swivel.api.RpcService;
                import io.swivel.systest.api.Echo;
import io.swivel.systest.api.Hog;
                import java.util.concurrent.CountDownLatch;
                import java.util.concurrent.TimeUnit;
                import java.util.concurrent.atomic.AtomicInteger;

                @RpcService(Echo.class)
                public class EchoService implements Echo {
                    static final AtomicInteger HOLDING = new AtomicInteger();
                    private final String me = System.getProperty("%s", "?") + " %s";

                    public String whoAmI() {
                        return me;
                    }

                    public String holdIdempotent(String key, long millis) {
                        return hold(key, millis);
                    }

                    public String hold(String key, long millis) {
                        HOLDING.incrementAndGet();
                        try { // simulated work: a wait only an interrupt ends early
                            new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            HOLDING.decrementAndGet();
                        }
                        return me;
                    }

                    public int holding(String key) {
                        return HOLDING.get();
                    }

                    public String record(String text) {
                        return me + ":" + text;
                    }
                }
                """.formatted(pkg, ServerProcess.NAME_PROPERTY, version);
        Path classes = compile(work, "echo-" + version, Map.of(pkg + ".EchoService", service));
        return new JarBuilder().bundle("echo", version).addTree(classes).add(classFile(Echo.class), classPath(Echo.class))
                .write(work.resolve("echo-" + version + ".jar"));
    }

    /**
     * The {@link Hog} bundle ({@code hog} 1.0.0), whose {@code exhaustHeap} allocates until the
     * heap is full.
     *
     * @param work scratch directory
     * @return the jar
     */
    static Path hog(Path work) {
        String pkg = "io.swivel.systest.hog";
        String service = """
                package %s;

                import io.swivel.api.RpcService;
                import io.swivel.systest.api.Hog;
                import java.util.ArrayList;
                import java.util.List;

                @RpcService(Hog.class)
                public class HogService implements Hog {
                    public String exhaustHeap(int chunkMiB) {
                        List<byte[]> held = new ArrayList<>();
                        while (held.size() < 1_000_000) { // bounded, and far beyond any test heap
                            held.add(new byte[chunkMiB << 20]);
                        }
                        return "held " + held.size() + " chunks";
                    }

                    public String ping() {
                        return "pong";
                    }
                }
                """.formatted(pkg);
        Path classes = compile(work, "hog", Map.of(pkg + ".HogService", service));
        return new JarBuilder().bundle("hog", "1.0.0").addTree(classes).add(classFile(Hog.class), classPath(Hog.class))
                .write(work.resolve("hog.jar"));
    }

    /**
     * A {@link Swap} version whose activator takes a while to start: its service answers
     * {@code answer} only between the end of {@code start} and the beginning of {@code stop}, and
     * tells on itself otherwise.
     *
     * @param work scratch directory
     * @param version the bundle version
     * @param answer what a started version answers, {@code v1} or {@code v2}
     * @param startMillis how long its activator's start takes
     * @return the jar
     */
    static Path swap(Path work, String version, String answer, long startMillis) {
        String pkg = "io.swivel.systest.swap";
        String service = """
                package %s;

                import io.swivel.api.RpcService;
                import io.swivel.systest.api.Swap;

                @RpcService(Swap.class)
                public class SwapService implements Swap {
                    public String answer() {
                        return SwapActivator.state;
                    }
                }
                """.formatted(pkg);
        String activator = """
                package %s;

                import io.swivel.api.BundleActivator;
                import io.swivel.api.BundleContext;
                import java.util.concurrent.CountDownLatch;
                import java.util.concurrent.TimeUnit;

                public class SwapActivator implements BundleActivator {
                    static volatile String state = "%2$s-before-start";

                    public void start(BundleContext context) throws Exception {
                        state = "%2$s-starting";
                        new CountDownLatch(1).await(%3$d, TimeUnit.MILLISECONDS); // a slow start
                        state = "%2$s";
                    }

                    public void stop(BundleContext context) {
                        state = "%2$s-stopped";
                    }
                }
                """.formatted(pkg, answer, startMillis);
        Path classes = compile(work, "swap-" + version, Map.of(pkg + ".SwapService", service, pkg + ".SwapActivator", activator));
        return new JarBuilder().bundle("swap", version).addTree(classes).add(classFile(Swap.class), classPath(Swap.class))
                .write(work.resolve("swap-" + version + ".jar"));
    }

    /**
     * The {@link Bag} bundle: takes a set of lists, or any value, and counts.
     *
     * @param work scratch directory
     * @return the jar
     */
    static Path bag(Path work) {
        String pkg = "io.swivel.systest.bag";
        String service = """
                package %s;

                import io.swivel.api.RpcService;
                import io.swivel.systest.api.Bag;
                import java.util.List;
                import java.util.Set;

                @RpcService(Bag.class)
                public class BagService implements Bag {
                    public int size(Set<List<Integer>> keys) {
                        return keys.size();
                    }

                    public int count(Object anything) {
                        return anything == null ? 0 : 1;
                    }
                }
                """.formatted(pkg);
        Path classes = compile(work, "bag", Map.of(pkg + ".BagService", service));
        return new JarBuilder().bundle("bag", "1.0.0").addTree(classes).add(classFile(Bag.class), classPath(Bag.class))
                .write(work.resolve("bag-1.0.0.jar"));
    }

    /** How a greeter version built by {@link #greeter} is broken. */
    enum Fault {
        /** A working version. */
        NONE,
        /** The activator uses a class left out of the jar: NoClassDefFoundError at start. */
        MISSING_CLASS,
        /** The service class's static initializer throws. */
        STATIC_INIT_THROWS,
        /** The activator's start never returns. */
        ACTIVATOR_HANGS,
        /** The health check fails after a good start. */
        HEALTH_FAILS,
        /** The greeter API (lib/greeter-api.jar) is not in the jar. */
        API_MISSING
    }

    /**
     * A greeter bundle version, working or broken.
     *
     * @param work scratch directory
     * @param bundle the bundle name ({@code greeter}, or another to claim its service)
     * @param version the version, answered as {@code (v<version>)}
     * @param fault how it is broken
     * @return the jar
     */
    static Path greeter(Path work, String bundle, String version, Fault fault) {
        String pkg = "io.swivel.systest.greeter";
        String service = """
                package %s;

                import io.swivel.api.RpcService;
                import io.swivel.samples.greeter.Greeter;
                import io.swivel.samples.greeter.Greeting;
                import io.swivel.samples.greeter.GreetingException;
                import io.swivel.samples.greeter.Person;
                import java.time.Instant;
                import java.util.concurrent.CompletableFuture;

                @RpcService(Greeter.class)
                public class BadGreeter implements Greeter {
                    static final int CHECK = check();

                    static int check() {
                        if (%b) {
                            throw new IllegalStateException("greeter %s static initializer: no configuration");
                        }
                        return 1;
                    }

                    public String greet(String name) {
                        return "Hello, " + name + " (v%3$s)";
                    }

                    public Greeting welcome(Person person) {
                        return new Greeting("Welcome, " + person.name() + " (v%3$s)", "%3$s", Instant.now());
                    }

                    public CompletableFuture<String> greetAsync(String name) {
                        return CompletableFuture.completedFuture(greet(name));
                    }

                    public String fail(String message) throws GreetingException {
                        throw new GreetingException(message);
                    }

                    public String version() {
                        return "%3$s";
                    }
                }
                """.formatted(pkg, fault == Fault.STATIC_INIT_THROWS, version);
        String activator = """
                package %s;

                import io.swivel.api.BundleActivator;
                import io.swivel.api.BundleContext;
                import io.swivel.api.HealthCheck;
                import java.util.concurrent.CountDownLatch;

                public class BadActivator implements BundleActivator {
                    public void start(BundleContext context) throws Exception {
                        if (%b) {
                            Helper.help();
                        }
                        if (%b) {
                            new CountDownLatch(1).await(); // hangs until interrupted
                        }
                        if (%b) {
                            context.setHealthCheck(() -> HealthCheck.Result.unhealthy("greeter %s cannot reach its database"));
                        }
                    }

                    public void stop(BundleContext context) {
                    }
                }
                """.formatted(pkg, fault == Fault.MISSING_CLASS, fault == Fault.ACTIVATOR_HANGS,
                fault == Fault.HEALTH_FAILS, version);
        String helper = """
                package %s;

                public class Helper {
                    static void help() {
                    }
                }
                """.formatted(pkg);
        Path classes = compile(work, bundle + "-" + version + "-" + fault,
                Map.of(pkg + ".BadGreeter", service, pkg + ".BadActivator", activator, pkg + ".Helper", helper));
        if (fault == Fault.MISSING_CLASS) {
            try { // compiled against Helper, shipped without it
                Files.delete(classes.resolve("io/swivel/systest/greeter/Helper.class"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        JarBuilder jar = new JarBuilder().bundle(bundle, version).addTree(classes);
        if (fault != Fault.API_MISSING) {
            jar.add("lib/greeter-api.jar", greeterApiJar(work));
        }
        return jar.write(work.resolve(bundle + "-" + version + "-" + fault.name().toLowerCase() + ".jar"));
    }

    /** The greeter API as a jar, from the test classpath (a jar, or a classes directory in a reactor build). */
    private static Path greeterApiJar(Path work) {
        Path location = classPathRoot(Greeter.class);
        if (Files.isRegularFile(location)) {
            return location;
        }
        Path jar = work.resolve("greeter-api.jar");
        if (!Files.exists(jar)) {
            new JarBuilder().addTree(location).write(jar);
        }
        return jar;
    }

    private static Path compile(Path work, String name, Map<String, String> sources) {
        return JavaSources.compile(work.resolve("classes-" + name), sources, List.of());
    }

    private static String classFile(Class<?> type) {
        return type.getName().replace('.', '/') + ".class";
    }

    private static Path classPath(Class<?> type) {
        try {
            return Path.of(type.getResource(type.getSimpleName() + ".class").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path classPathRoot(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
