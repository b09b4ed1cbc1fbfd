package io.swivel.server.internal.deploy;

import io.swivel.api.BundleActivator;
import io.swivel.api.ExitRefusedException;
import io.swivel.api.HealthCheck;
import io.swivel.api.RpcService;
import io.swivel.classloader.BundleClassLoader;
import io.swivel.classloader.LibLimitException;
import io.swivel.classloader.LoaderLeakTracker;
import io.swivel.protocol.kryo.BodyForm;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;
import io.swivel.server.internal.bundle.LeftoverHunt;
import io.swivel.server.internal.bundle.ManagedBundleContext;
import io.swivel.server.internal.bundle.ServiceBinding;
import io.swivel.server.internal.logging.BundleMdc;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a bundle jar into a ready {@link BundleGeneration}, and a generation back into
 * nothing. Loading stages a private copy of the jar, opens a fresh {@link BundleClassLoader},
 * finds and instantiates the {@link RpcService} classes, builds invokers and the Kryo
 * context, starts the activator and runs the health check, each step bounded by a timeout.
 * Any failure discards everything built so far and throws a {@link DeploymentException}.
 */
public final class BundleLoader {

    private static final Logger log = LoggerFactory.getLogger(BundleLoader.class);
    private static final String HEALTH_CHECK = "health check";

    /**
     * Where bundles are staged and how they run.
     *
     * @param historyDir {@code <data-dir>/history}
     * @param workDir where nested jars are extracted
     * @param deployDir the deploy directory ({@code <bundle>.properties} overrides are read there)
     * @param stepTimeout the limit of each start-up step (load, instantiate, start, health)
     * @param workerThreads the most threads running calls of one bundle version
     * @param queueCapacity calls waiting for a thread before {@code OVERLOADED}
     * @param maxFrameLength the longest body encoded
     * @param maxLibBytes the most bytes the nested {@code lib/*.jar} of one bundle may extract to ({@code --max-lib-bytes})
     * @param maxLibRatio the largest compression ratio of one nested jar ({@code --max-lib-ratio})
     * @param bodyForm the form every generation's context writes bodies in ({@code --body-form})
     */
    public record Settings(Path historyDir, Path workDir, Path deployDir, Duration stepTimeout, int workerThreads,
                           int queueCapacity, int maxFrameLength, long maxLibBytes, int maxLibRatio, BodyForm bodyForm) {

        /**
         * Settings with the default extraction limits of {@link BundleClassLoader}, writing the described form.
         *
         * @param historyDir see the record
         * @param workDir see the record
         * @param deployDir see the record
         * @param stepTimeout see the record
         * @param workerThreads see the record
         * @param queueCapacity see the record
         * @param maxFrameLength see the record
         */
        public Settings(Path historyDir, Path workDir, Path deployDir, Duration stepTimeout, int workerThreads,
                        int queueCapacity, int maxFrameLength) {
            this(historyDir, workDir, deployDir, stepTimeout, workerThreads, queueCapacity, maxFrameLength,
                    BundleClassLoader.DEFAULT_MAX_LIB_BYTES, BundleClassLoader.DEFAULT_MAX_LIB_RATIO, BodyForm.DESCRIBED);
        }
    }

    /** Between a loader's name and its number: {@code greeter@1.0.0#3}. */
    static final String LOAD_MARK = "#";

    private final Settings settings;
    private final ClassLoader sharedLoader;
    private final ServerMetrics metrics;
    private final BundleUnloader unloader;
    /** Numbers the loaders this server opened, so that two closed loaders of one version can be told apart. */
    private final AtomicLong loads = new AtomicLong();

    /**
     * Creates a loader that measures nothing.
     *
     * @param settings where and how
     * @param sharedLoader provides {@code io.swivel.api} and {@code org.slf4j} to bundles
     * @param leakTracker watches closed loaders
     */
    public BundleLoader(Settings settings, ClassLoader sharedLoader, LoaderLeakTracker leakTracker) {
        this(settings, sharedLoader, leakTracker, ServerMetrics.none());
    }

    /**
     * Creates a loader.
     *
     * @param settings where and how
     * @param sharedLoader provides {@code io.swivel.api} and {@code org.slf4j} to bundles
     * @param leakTracker watches closed loaders
     * @param metrics told when a bundle breaks a rule (a refused exit, threads or thread-locals left behind);
     *                its versions' meters come and go with the deployer's lifecycle events
     */
    public BundleLoader(Settings settings, ClassLoader sharedLoader, LoaderLeakTracker leakTracker,
                        ServerMetrics metrics) {
        this(settings, sharedLoader, leakTracker, metrics, new LeftoverHunt(List::of, Duration.ofSeconds(1)));
    }

    /**
     * Creates a loader.
     *
     * @param settings where and how
     * @param sharedLoader provides {@code io.swivel.api} and {@code org.slf4j} to bundles
     * @param leakTracker watches closed loaders
     * @param metrics told when a bundle breaks a rule (a refused exit, threads or thread-locals left behind);
     *                its versions' meters come and go with the deployer's lifecycle events
     * @param leftovers looks for the threads and thread-locals an unloaded version left behind
     */
    public BundleLoader(Settings settings, ClassLoader sharedLoader, LoaderLeakTracker leakTracker,
                        ServerMetrics metrics, LeftoverHunt leftovers) {
        this.settings = settings;
        this.sharedLoader = sharedLoader;
        this.metrics = metrics;
        this.unloader = new BundleUnloader(leakTracker, metrics, leftovers);
    }

    /**
     * Loads, starts and health-checks a bundle jar.
     *
     * @param jar the jar in the deploy directory
     * @return a generation in state {@link BundleState#STARTING}, not yet serving
     * @throws DeploymentException if any step fails; nothing is left behind
     */
    public BundleGeneration load(Path jar) throws DeploymentException {
        return load(stage(jar));
    }

    /**
     * Copies a deployed jar to a private staging file and reads its identity.
     *
     * @param jar the jar in the deploy directory
     * @return its descriptor
     * @throws DeploymentException if the jar cannot be read or is not a valid jar
     */
    public BundleDescriptor stage(Path jar) throws DeploymentException {
        return BundleJars.stage(jar, settings.historyDir());
    }

    /**
     * Loads, starts and health-checks a staged bundle.
     *
     * @param descriptor what {@link #stage} returned
     * @return a generation in state {@link BundleState#STARTING}, not yet serving
     * @throws DeploymentException if any step fails; nothing is left behind
     */
    public BundleGeneration load(BundleDescriptor descriptor) throws DeploymentException {
        long start = System.nanoTime();
        Path jar = descriptor.source();
        String id = descriptor.name() + " " + descriptor.version();
        BundleClassLoader loader;
        try {
            loader = BundleClassLoader.open(descriptor.name() + "@" + descriptor.version() + LOAD_MARK
                            + loads.incrementAndGet(), descriptor.staged(),
                    sharedLoader, settings.workDir(), settings.maxLibBytes(), settings.maxLibRatio());
        } catch (LibLimitException e) {
            String flag = e.limit() == LibLimitException.Limit.TOTAL_BYTES ? "--max-lib-bytes" : "--max-lib-ratio";
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, id + ": cannot extract the nested "
                    + "libraries of " + jar.getFileName() + ": " + e.getMessage() + "; nothing was kept; raise "
                    + flag + " if the bundle really needs this", e);
        } catch (IOException e) {
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, id + ": cannot open " + jar.getFileName() + ": " + e.getMessage(), e);
        }
        ManagedBundleContext context = new ManagedBundleContext(descriptor.name(), descriptor.version(),
                readConfig(descriptor), loader);
        ExecutorService starter = Executors.newSingleThreadExecutor(context.threadFactory("start"));
        BundleActivator activator = null;
        boolean started = false;
        ThreadPoolExecutor workers = null;
        try {
            ClassScanner.Result scan = step(starter, id, "scan classes", () -> ClassScanner.scan(descriptor.staged()));
            Consumer<ExitRefusedException> onExit = refused -> exitRefused(descriptor.name(), id, refused);
            Map<String, ServiceBinding> services = step(starter, id, "instantiate services",
                    () -> BundleServices.instantiate(id, loader, scan.serviceCandidates(), context, onExit));
            if (services.isEmpty()) {
                throw new DeploymentException(DeploymentException.Failure.NO_SERVICE, id + ": no class annotated @RpcService found in "
                        + jar.getFileName() + "; annotate the service implementation", null);
            }
            activator = step(starter, id, "create activator",
                    () -> BundleServices.createActivator(id, loader, descriptor.activatorClass(), scan.activatorCandidates()));
            if (activator != null) {
                BundleActivator a = activator;
                step(starter, id, "start activator " + a.getClass().getName(), () -> {
                    a.start(context);
                    return null;
                });
                started = true;
            }
            HealthCheck.Result health = step(starter, id, HEALTH_CHECK, () -> context.healthCheck().check());
            if (health == null || !health.passed()) {
                throw new DeploymentException(DeploymentException.Failure.HEALTH_FAILED, id + ": health check failed: "
                        + (health == null ? "it returned null" : health.detail()), null);
            }
            List<Class<?>> interfaces = services.values().stream().<Class<?>>map(ServiceBinding::serviceInterface).toList();
            SerializationContext serialization = SerializationContext.create(loader,
                    TypeAllowlist.forServices(interfaces), settings.maxFrameLength(), settings.bodyForm());
            workers = new WarmWorkerPool(settings.workerThreads(), settings.queueCapacity(), context.threadFactory("call"));
            BundleGeneration generation = new BundleGeneration(descriptor, loader, services, serialization, workers,
                    activator, context);
            log.info("{} loaded from {} in {} ms: services {}{}", id, jar.getFileName(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), generation.serviceNames(),
                    descriptor.direct() ? "; calls run on I/O threads (Swivel-Dispatch: direct)" : "");
            return generation;
        } catch (DeploymentException | RuntimeException | Error e) {
            if (workers != null) {
                workers.shutdownNow();
            }
            stopStarter(id, starter);
            unloader.discard(id, loader, context, started ? activator : null);
            throw e;
        } finally {
            starter.shutdownNow();
        }
    }

    /**
     * Stops a generation that no longer serves: activator {@code stop}, executors shut down,
     * loader closed and handed to the leak tracker.
     *
     * @param generation a generation that takes no more calls
     * @param grace how long running work may take to finish
     * @return what it left behind that may keep its loader in memory, one line each; empty if nothing
     */
    public List<String> unload(BundleGeneration generation, Duration grace) {
        try (BundleMdc.Scope mdc = BundleMdc.open(generation.name(), generation.version())) {
            return unloader.unloadScoped(generation, grace);
        }
    }

    /** A bundle tried to stop the JVM and was refused: said once per attempt, with what it tried. */
    private void exitRefused(String bundle, String id, ExitRefusedException refused) {
        log.warn("{}: refused {} called from {}; a bundle may not stop the JVM, everything keeps serving",
                id, refused.attempted(), refused.caller());
        metrics.bundleViolation(bundle, "exit_refused", 1);
    }

    /** Ends the start-up thread before the leftover hunt, which would otherwise find it (a step still running stays). */
    private void stopStarter(String id, ExecutorService starter) {
        starter.shutdownNow();
        try {
            if (!starter.awaitTermination(1, TimeUnit.SECONDS)) {
                log.warn("{}: its start-up thread is still running bundle code after the failure", id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> T step(ExecutorService starter, String id, String what, Callable<T> work) throws DeploymentException {
        Future<T> future = starter.submit(work);
        try {
            return future.get(settings.stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DeploymentException(DeploymentException.Failure.TIMEOUT, id + ": " + what + " did not finish within "
                    + settings.stepTimeout().toMillis() + " ms", null);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new DeploymentException(id + ": interrupted during " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DeploymentException deployment) {
                throw deployment;
            }
            if (cause instanceof InvocationTargetException invocation && invocation.getCause() != null) {
                cause = invocation.getCause();
            }
            for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof ExitRefusedException refused) {
                    exitRefused(id.substring(0, id.indexOf(' ')), id, refused);
                    break;
                }
            }
            throw new DeploymentException(what.equals(HEALTH_CHECK) ? DeploymentException.Failure.HEALTH_FAILED
                    : DeploymentException.Failure.START_FAILED, id + ": " + what + " failed: " + describe(cause), cause);
        }
    }

    /**
     * A failure and its causes in one line: an {@code ExceptionInInitializerError} says nothing
     * by itself, the exception the static initializer threw does.
     */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.toString());
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.add(failure);
        for (Throwable cause = failure.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            text.append(", caused by ").append(cause);
        }
        return text.toString();
    }

    /**
     * Reads a version's configuration: {@code swivel-bundle.properties} in the jar, overridden by
     * {@code <bundle>.properties} in the deploy directory.
     *
     * @param descriptor the version
     * @return the configuration
     * @throws DeploymentException if a file cannot be read or parsed
     */
    Map<String, String> readConfig(BundleDescriptor descriptor) throws DeploymentException {
        Properties properties = new Properties();
        try (JarFile jar = new JarFile(descriptor.staged().toFile())) {
            ZipEntry entry = jar.getEntry("swivel-bundle.properties");
            if (entry != null) {
                try (InputStream in = jar.getInputStream(entry)) {
                    properties.load(in);
                }
            }
            Path override = settings.deployDir().resolve(descriptor.name() + ".properties");
            if (Files.isRegularFile(override)) {
                try (InputStream in = Files.newInputStream(override)) {
                    properties.load(in);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new DeploymentException(DeploymentException.Failure.BAD_CONFIG, descriptor.name() + " " + descriptor.version()
                    + ": cannot read its configuration: " + e.getMessage(), e);
        }
        Map<String, String> config = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> config.put(key, properties.getProperty(key)));
        return config;
    }
}
