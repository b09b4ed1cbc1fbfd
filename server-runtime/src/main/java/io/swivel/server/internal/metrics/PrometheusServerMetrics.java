package io.swivel.server.internal.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.swivel.classloader.LoaderLeakTracker;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;
import io.swivel.server.internal.bundle.ServiceBinding;
import java.io.Closeable;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The server's metrics in a {@link PrometheusMeterRegistry} of its own (never Micrometer's
 * global registry: two servers may share a JVM, and a static registry would keep bundle
 * generations reachable). Besides Swivel's meters it carries the JVM binders (memory, GC,
 * threads, class loading, processor, uptime) and the Netty allocator's.
 *
 * <p>Call meters are resolved when a generation loads and looked up per call in immutable maps,
 * but their series are created when first used: a method that was never called, or a status it
 * never answered, prints no line (so {@code /metrics} grows with the calls that happen, not with
 * methods × statuses). Recording is a counter increment and a timer record, lock-free after the
 * first call of each kind (which registers its meter once), safe on an event loop. Meters of a
 * bundle version go when its last generation unloads. Names and help texts pass
 * {@code promtool check metrics} ({@link PromtoolNames}).
 */
public final class PrometheusServerMetrics implements ServerMetrics, Closeable {

    /** The content type of Prometheus' text exposition format 0.0.4. */
    public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    /** The content type of the OpenMetrics text format, sent when the scraper asks for it. */
    public static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    static final String CALLS = "swivel.calls";
    static final String CALL_DURATION = "swivel.call.duration";
    static final String IN_FLIGHT = "swivel.calls.in.flight";
    static final String LOADERS = "swivel.loaders.closed.not.collected";
    static final String ZOOKEEPER = "swivel.zookeeper.connected";

    /** The label value of a service, method, bundle or version that is not known here. */
    static final String UNKNOWN = "unknown";
    static final String NONE = "none";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TrafficMeters traffic = new TrafficMeters(registry);
    private final LifecycleMeters lifecycle = new LifecycleMeters(registry);
    private final TransportMeters transport = new TransportMeters(registry);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final AtomicLong generations = new AtomicLong();
    private final Map<BundleGeneration, GenerationMeters> byGeneration = new ConcurrentHashMap<>();
    /** Live generations per bundle version (their call meters are shared), under its own lock. */
    private final Map<List<String>, Integer> liveVersions = new HashMap<>();
    private final CallMeters unknownService;

    /** Creates the registry and binds the JVM and Netty allocator meters. */
    public PrometheusServerMetrics() {
        PromtoolNames.configure(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
            new NettyAllocatorMetrics(allocator).bindTo(registry);
        }
        unknownService = new CountOnlyMeters(registry, UNKNOWN, UNKNOWN, NONE, NONE);
        PromtoolNames.bindProcessCpu(registry);
        // The first timer with buckets loads and links Micrometer's histogram classes (tens of ms on a
        // cold JVM): done here, so that a method's first call, maybe on an I/O thread, only registers.
        Timer warmUp = Timer.builder("swivel.warm.up").serviceLevelObjectives(MethodMeters.CALL_BUCKETS)
                .distributionStatisticExpiry(Duration.ofMinutes(1)).distributionStatisticBufferLength(3).register(registry);
        warmUp.record(1, TimeUnit.MILLISECONDS);
        registry.scrape();
        registry.remove(warmUp);
    }

    /** How long a closed loader may stay before a scrape has the tracker ask for a full collection. */
    private static final Duration LEAK_SUSPECT_AFTER = Duration.ofSeconds(60);

    /**
     * Publishes how many closed bundle loaders are not collected yet. A scrape first lets the tracker
     * ask for a full collection when a loader closed over a minute ago is still there and none was asked
     * for since it closed ({@link LoaderLeakTracker#suspects}: at most one per closed loader): an idle
     * server runs none by itself, and the gauge would stay above 0 with no leak.
     *
     * @param tracker the server's tracker
     */
    public void bindLoaderLeakTracker(LoaderLeakTracker tracker) {
        Gauge.builder(LOADERS, tracker, t -> {
                    t.suspects(LEAK_SUSPECT_AFTER);
                    return t.uncollected().size();
                })
                .description("Bundle classloaders closed but not yet garbage collected (a leak if it stays above 0)")
                .strongReference(true)
                .register(registry);
    }

    /**
     * Publishes whether this server's ZooKeeper session is connected (1) or not (0). Not bound
     * with {@code --zookeeper none}, so the gauge is absent then.
     *
     * @param connected the connection state
     */
    public void bindZooKeeper(BooleanSupplier connected) {
        Gauge.builder(ZOOKEEPER, connected, c -> c.getAsBoolean() ? 1 : 0)
                .description("1 while this server's ZooKeeper session is connected, 0 while it is not")
                .strongReference(true)
                .register(registry);
    }

    /**
     * The registry itself, for a component of this server that keeps meters of its own (the admin API's refusals).
     *
     * @return the registry
     */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /**
     * Renders every meter for a scrape.
     *
     * @param accept the scraper's {@code Accept} header, or null
     * @return the content type and the text
     */
    public Scrape scrape(String accept) {
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_FORMAT : TEXT_FORMAT;
        return new Scrape(type, registry.scrape(type));
    }

    /**
     * One rendering of the meters.
     *
     * @param contentType its content type
     * @param body the text
     */
    public record Scrape(String contentType, String body) {
    }

    @Override
    public void generationLoaded(BundleGeneration generation) {
        String bundle = generation.name();
        String version = generation.version();
        List<String> key = List.of(bundle, version);
        synchronized (liveVersions) {
            liveVersions.merge(key, 1, Integer::sum);
        }
        Gauge inFlight = Gauge.builder(IN_FLIGHT, generation, BundleGeneration::inFlight)
                .description("Calls running now, per loaded bundle generation")
                .tags("bundle", bundle, "version", version, "generation", Long.toString(generations.incrementAndGet()))
                .register(registry);
        Map<Invoker, MethodMeters> methods = new IdentityHashMap<>();
        Map<String, CountOnlyMeters> unknownMethods = new HashMap<>();
        for (ServiceBinding binding : generation.services().values()) {
            String service = binding.name();
            for (Invoker invoker : binding.invokers().values()) {
                methods.put(invoker, new MethodMeters(registry, service, invoker.methodKey(), bundle, version));
            }
            unknownMethods.put(service, new CountOnlyMeters(registry, service, UNKNOWN, bundle, version));
        }
        byGeneration.put(generation, new GenerationMeters(key, inFlight, methods, Map.copyOf(unknownMethods)));
    }

    @Override
    public void generationUnloaded(BundleGeneration generation) {
        GenerationMeters meters = byGeneration.remove(generation);
        if (meters == null) {
            return;
        }
        registry.remove(meters.inFlight());
        meters.methods().values().forEach(MethodMeters::close); // none registers again once its series may go
        meters.unknownMethods().values().forEach(CountOnlyMeters::close);
        synchronized (liveVersions) {
            Integer left = liveVersions.merge(meters.version(), -1, Integer::sum);
            if (left != null && left <= 0) {
                liveVersions.remove(meters.version());
                String bundle = meters.version().get(0);
                String version = meters.version().get(1);
                for (String name : new String[] {CALLS, CALL_DURATION, LifecycleMeters.FATAL_ERRORS}) {
                    for (Meter meter : registry.find(name).tags("bundle", bundle, "version", version).meters()) {
                        registry.remove(meter);
                    }
                }
            }
        }
    }

    @Override
    public CallMeters method(BundleGeneration generation, Invoker invoker) {
        GenerationMeters meters = byGeneration.get(generation);
        CallMeters method = meters != null ? meters.methods().get(invoker) : null;
        return method != null ? method : CallMeters.NONE;
    }

    @Override
    public CallMeters unknownMethod(BundleGeneration generation, String service) {
        GenerationMeters meters = byGeneration.get(generation);
        CallMeters unknown = meters != null ? meters.unknownMethods().get(service) : null;
        return unknown != null ? unknown : unknownService;
    }

    @Override
    public CallMeters unknownService() {
        return unknownService;
    }

    @Override
    public void fatalError(BundleGeneration generation, String error) {
        lifecycle.fatalError(generation, error);
    }

    @Override
    public void deployed(String bundle) {
        lifecycle.deployment(bundle, "success", NONE);
    }

    @Override
    public void deploymentFailed(String bundle, String cause) {
        lifecycle.deployment(bundle, "failed", cause);
    }

    @Override
    public void bundleViolation(String bundle, String kind, long count) {
        lifecycle.violation(bundle, kind, count);
    }

    @Override
    public void canaryRetried(String bundle, String version) {
        traffic.retried(bundle, version);
    }

    @Override
    public void shadowCopy(String bundle, String version, String outcome) {
        traffic.shadow(bundle, version, outcome);
    }

    @Override
    public void trafficWeight(String bundle, String version, int percent) {
        traffic.weight(bundle, version, percent);
    }

    @Override
    public void canaryAnalysis(String bundle, String outcome) {
        traffic.analysis(bundle, outcome);
    }

    @Override
    public void rolledBack(String bundle, String cause) {
        lifecycle.rolledBack(bundle, cause);
    }

    @Override
    public void swapped(String bundle, long nanos) {
        lifecycle.swapped(bundle, nanos);
    }

    @Override
    public void drained(String bundle, long nanos) {
        lifecycle.drained(bundle, nanos);
    }

    @Override
    public void decodeRefused(String limit) {
        transport.decodeRefused(limit);
    }

    @Override
    public void callDropped(String reason) {
        transport.callDropped(reason);
    }

    @Override
    public void connectionRefused(String reason) {
        transport.connectionRefused(reason);
    }

    @Override
    public void readsPaused(String reason) {
        transport.readsPaused(reason);
    }

    @Override
    public void acceptPaused(String reason) {
        transport.acceptPaused(reason);
    }

    @Override
    public void bindTransport(IntSupplier openConnections, LongSupplier partialFrameBytes) {
        transport.bind(openConnections, partialFrameBytes);
    }

    /** Unbinds the GC listeners and closes the registry. */
    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }

    /** The meters of one generation; the map keys are its invokers, looked up by identity. */
    private record GenerationMeters(List<String> version, Gauge inFlight, Map<Invoker, MethodMeters> methods,
                                    Map<String, CountOnlyMeters> unknownMethods) {
    }

    @Override
    public String toString() {
        return "PrometheusServerMetrics[" + byGeneration.size() + " generations]";
    }
}
