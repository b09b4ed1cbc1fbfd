package io.swivel.server.probe;

import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds bundle jars of the {@link Probe} service, compiled in the test, with the behaviour a
 * test needs: calls that fail, a health check that fails after start, a configuration
 * listener, a scheduler thread and thread-locals. Every jar carries its own copy of
 * {@link Probe}, as a real bundle carries its API.
 */
public final class ProbeBundles {

    /** The bundle name of every probe jar. */
    public static final String BUNDLE = "probe";

    /**
     * What a probe version does.
     *
     * @param version the bundle version, returned by {@link Probe#version()}
     * @param failCalls every {@code version()} call throws an unexpected exception
     * @param healthyChecks how many health checks pass before it reports unhealthy; -1 for always healthy
     * @param configListener takes configuration changes in place
     */
    public record Options(String version, boolean failCalls, int healthyChecks, boolean configListener) {

        /**
         * A healthy version with a configuration listener.
         *
         * @param version the version
         * @return the options
         */
        public static Options healthy(String version) {
            return new Options(version, false, -1, true);
        }
    }

    private ProbeBundles() {
    }

    /**
     * Builds a probe bundle jar.
     *
     * @param work a scratch directory for sources and classes
     * @param jar where the jar goes
     * @param options what it does
     * @return the jar
     */
    public static Path build(Path work, Path jar, Options options) {
        return build(work, jar, options, 0);
    }

    /**
     * Builds a probe bundle jar whose activator also loads {@code ballastClasses} small classes
     * of its own, so that a version left in memory would show plainly in the JVM's counters.
     *
     * @param work a scratch directory for sources and classes
     * @param jar where the jar goes
     * @param options what it does
     * @param ballastClasses how many extra classes each version loads at start
     * @return the jar
     */
    public static Path build(Path work, Path jar, Options options, int ballastClasses) {
        return build(work, jar, options, ballastClasses, Map.of());
    }

    /**
     * Builds a probe bundle jar with extra manifest attributes.
     *
     * @param work a scratch directory for sources and classes
     * @param jar where the jar goes
     * @param options what it does
     * @param ballastClasses how many extra classes each version loads at start
     * @param attributes more main attributes of the manifest, such as {@code Swivel-Dispatch}
     * @return the jar
     */
    public static Path build(Path work, Path jar, Options options, int ballastClasses, Map<String, String> attributes) {
        String pkg = "io.swivel.server.probe.impl";
        String service = """
                package %s;

                import io.swivel.api.BundleContext;
                import io.swivel.api.RpcService;
                import io.swivel.server.probe.Probe;

                @RpcService
                public class ProbeService implements Probe {
                    static final String VERSION = "%s";
                    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);
                    private final BundleContext context;

                    public ProbeService(BundleContext context) {
                        this.context = context;
                    }

                    public String version() {
                        if (%b) {
                            throw new IllegalStateException("probe " + VERSION + " is broken");
                        }
                        return VERSION;
                    }

                    public String generationId() {
                        return ProbeActivator.GENERATION;
                    }

                    public String hold(long millis) {
                        try { // simulated slow work: a wait nothing ends early but an interrupt (an unload)
                            new java.util.concurrent.CountDownLatch(1).await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return VERSION;
                    }

                    public String config(String key) {
                        return context.config().get(key);
                    }

                    public String thread() {
                        Thread thread = Thread.currentThread();
                        return thread.getName() + "|" + (thread.getContextClassLoader() == getClass().getClassLoader());
                    }

                    public String threadLocal() {
                        return VERSION + ":" + SCRATCH.get().length;
                    }

                    public long ticks() {
                        return ProbeActivator.TICKS.get();
                    }
                }
                """.formatted(pkg, options.version(), options.failCalls());
        String activator = """
                package %s;

                import io.swivel.api.BundleActivator;
                import io.swivel.api.BundleContext;
                import io.swivel.api.HealthCheck;
                import java.util.concurrent.ExecutorService;
                import java.util.concurrent.TimeUnit;
                import java.util.concurrent.atomic.AtomicInteger;
                import java.util.concurrent.atomic.AtomicLong;

                public class ProbeActivator implements BundleActivator {
                    static final AtomicLong TICKS = new AtomicLong();
                    static final ThreadLocal<byte[]> WORKER_STATE = new ThreadLocal<>();
                    static final String GENERATION = java.util.UUID.randomUUID().toString();

                    public void start(BundleContext context) throws Exception {
                        context.newScheduler("ticker").scheduleWithFixedDelay(TICKS::incrementAndGet, 0, 20, TimeUnit.MILLISECONDS);
                        ExecutorService workers = context.newExecutor("workers", 2);
                        for (int i = 0; i < 2; i++) {
                            workers.submit(() -> WORKER_STATE.set(new byte[128 * 1024])).get();
                        }
                        int healthyChecks = %d;
                        if (healthyChecks >= 0) {
                            AtomicInteger checks = new AtomicInteger();
                            context.setHealthCheck(() -> checks.incrementAndGet() <= healthyChecks
                                    ? HealthCheck.Result.healthy()
                                    : HealthCheck.Result.unhealthy("lost its database connection"));
                        }
                        if (%b) {
                            context.addConfigListener(config -> { });
                        }
                        for (int i = 0; i < %d; i++) {
                            Class.forName(getClass().getPackageName() + ".Ballast" + i, true, getClass().getClassLoader());
                        }
                    }

                    public void stop(BundleContext context) {
                    }
                }
                """.formatted(pkg, options.healthyChecks(), options.configListener(), ballastClasses);
        Map<String, String> sources = new HashMap<>();
        sources.put(pkg + ".ProbeService", service);
        sources.put(pkg + ".ProbeActivator", activator);
        for (int i = 0; i < ballastClasses; i++) {
            sources.put(pkg + ".Ballast" + i, """
                    package %s;
                    public class Ballast%d {
                        private final java.util.List<String> items = new java.util.ArrayList<>();
                        public int add(String item) { items.add(item + %d); return items.size(); }
                        public String first() { return items.isEmpty() ? null : items.get(0); }
                        public java.util.Map<String, Integer> counts() {
                            java.util.Map<String, Integer> counts = new java.util.HashMap<>();
                            for (String item : items) { counts.merge(item, 1, Integer::sum); }
                            return counts;
                        }
                    }
                    """.formatted(pkg, i, i));
        }
        try {
            Path classes = work.resolve("classes-" + options.version() + "-" + Math.abs(options.hashCode()) + "-" + ballastClasses);
            JavaSources.compile(classes, sources, List.of());
            Path probeClass = Path.of(Probe.class.getResource("Probe.class").toURI());
            Files.createDirectories(jar.getParent());
            JarBuilder builder = new JarBuilder().bundle(BUNDLE, options.version());
            attributes.forEach(builder::attribute);
            return builder
                    .addTree(classes)
                    .add("io/swivel/server/probe/Probe.class", probeClass)
                    .write(jar);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
