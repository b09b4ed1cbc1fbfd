package io.swivel.server.internal.bundle;

import io.swivel.api.BundleConfig;
import io.swivel.api.BundleContext;
import io.swivel.api.ConfigListener;
import io.swivel.api.HealthCheck;
import io.swivel.api.ServerInterceptor;
import io.swivel.server.internal.ContextLoader;
import io.swivel.server.internal.Threads;
import io.swivel.server.internal.logging.BundleMdc;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's {@link BundleContext}: remembers every executor it handed out so that they
 * can be shut down when the version unloads, and holds the health check and the
 * configuration listeners.
 */
public final class ManagedBundleContext implements BundleContext {

    private final String bundleName;
    private final String bundleVersion;
    private volatile BundleConfig config;
    private final ClassLoader loader;
    private final List<ConfigListener> configListeners = new CopyOnWriteArrayList<>();
    private final List<ExecutorService> executors = new CopyOnWriteArrayList<>();
    private final List<ServerInterceptor> interceptors = new CopyOnWriteArrayList<>();
    private volatile HealthCheck healthCheck = HealthCheck.Result::healthy;
    private volatile boolean closed;

    /**
     * Creates a context.
     *
     * @param bundleName the bundle name
     * @param bundleVersion the version
     * @param config the configuration
     * @param loader the bundle's loader, set as the context loader of its threads
     */
    public ManagedBundleContext(String bundleName, String bundleVersion, Map<String, String> config, ClassLoader loader) {
        this.bundleName = bundleName;
        this.bundleVersion = bundleVersion;
        this.config = configOf(config);
        this.loader = loader;
    }

    private static BundleConfig configOf(Map<String, String> config) {
        Map<String, String> values = Map.copyOf(config);
        return new BundleConfig() {
            @Override
            public String get(String key) {
                return values.get(key);
            }

            @Override
            public Map<String, String> asMap() {
                return values;
            }

            @Override
            public String toString() {
                return values.keySet().toString();
            }
        };
    }

    @Override
    public String bundleName() {
        return bundleName;
    }

    @Override
    public String bundleVersion() {
        return bundleVersion;
    }

    @Override
    public BundleConfig config() {
        return config;
    }

    @Override
    public void addConfigListener(ConfigListener listener) {
        configListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @return true if the bundle takes configuration changes while it runs */
    public boolean hasConfigListeners() {
        return !configListeners.isEmpty();
    }

    /**
     * Installs a new configuration and tells the listeners, with the bundle's loader as the
     * context loader of the calling thread.
     *
     * @param values the new configuration
     * @throws Exception the first listener failure (the others still ran; later failures are
     *     suppressed on it)
     */
    public void updateConfig(Map<String, String> values) throws Exception {
        BundleConfig next = configOf(values);
        this.config = next;
        Exception failure = null;
        try (ContextLoader.Scope scope = ContextLoader.use(loader)) {
            for (ConfigListener listener : configListeners) {
                try {
                    listener.configChanged(next);
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public ExecutorService newExecutor(String name, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        return track(Executors.newFixedThreadPool(threads, threadFactory(name)));
    }

    @Override
    public ScheduledExecutorService newScheduler(String name) {
        return track(Executors.newSingleThreadScheduledExecutor(threadFactory(name)));
    }

    @Override
    public void addInterceptor(ServerInterceptor interceptor) {
        Objects.requireNonNull(interceptor, "interceptor");
        if (closed) {
            throw new IllegalStateException(bundleName + " " + bundleVersion + " is unloading; no new interceptors");
        }
        interceptors.add(interceptor);
    }

    /** @return the interceptors this version added, first one outermost (a live, thread-safe list) */
    public List<ServerInterceptor> interceptors() {
        return interceptors;
    }

    @Override
    public void setHealthCheck(HealthCheck check) {
        this.healthCheck = Objects.requireNonNull(check, "check");
    }

    /** @return the installed health check */
    public HealthCheck healthCheck() {
        return healthCheck;
    }

    /**
     * A factory for threads that belong to this bundle version: named after it, daemon, with
     * the bundle's loader as context loader and its name and version in the logging context.
     *
     * @param purpose a short name
     * @return the factory
     */
    public ThreadFactory threadFactory(String purpose) {
        return Threads.daemon("swivel-" + bundleName + "-" + bundleVersion + "-" + purpose, loader,
                task -> BundleMdc.wrap(bundleName, bundleVersion, task));
    }

    /**
     * Shuts down every executor handed out, interrupting what is still running after the
     * grace period.
     *
     * @param grace how long running tasks may take to finish
     * @return the names of executors that did not terminate (their threads may pin the loader)
     * @throws InterruptedException if interrupted while waiting
     */
    public List<String> shutdownExecutors(Duration grace) throws InterruptedException {
        closed = true;
        configListeners.clear();
        interceptors.clear();
        executors.forEach(ExecutorService::shutdown);
        long deadline = System.nanoTime() + grace.toNanos();
        List<String> stuck = new CopyOnWriteArrayList<>();
        for (ExecutorService executor : executors) {
            long left = deadline - System.nanoTime();
            if (!executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
                if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                    stuck.add(executor.toString());
                }
            }
        }
        executors.clear();
        return stuck;
    }

    private <E extends ExecutorService> E track(E executor) {
        if (closed) {
            executor.shutdownNow();
            throw new IllegalStateException(bundleName + " " + bundleVersion + " is unloading; no new executors");
        }
        executors.add(executor);
        return executor;
    }
}
