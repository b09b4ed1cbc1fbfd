package io.swivel.server.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
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
import io.swivel.protocol.Status;
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
import java.util.concurrent.atomic.AtomicReferenceArray;
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
    static final String FATAL_ERRORS = "swivel.call.fatal.errors";
    static final String DEPLOYMENTS = "swivel.deployments";
    static final String ROLLBACKS = "swivel.rollbacks";
    static final String SWAP_DURATION = "swivel.swap.duration";
    static final String DRAIN_DURATION = "swivel.drain.duration";
    static final String LOADERS = "swivel.loaders.closed.not.collected";
    static final String ZOOKEEPER = "swivel.zookeeper.connected";
    static final String DECODE_REFUSED = "swivel.decode.refused";
    static final String CALLS_DROPPED = "swivel.calls.dropped";
    static final String CONNECTIONS_REFUSED = "swivel.connections.refused";
    static final String READS_PAUSED = "swivel.connection.reads.paused";
    static final String ACCEPT_PAUSED = "swivel.accept.paused";
    static final String CONNECTIONS_OPEN = "swivel.connections.open";
    static final String PARTIAL_FRAMES = "swivel.partial.frame.memory";
    static final String VIOLATIONS = "swivel.bundle.violations";

    /** The label value of a service, method, bundle or version that is not known here. */
    static final String UNKNOWN = "unknown";
    static final String NONE = "none";

    private static final Status[] STATUSES = Status.values();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TrafficMeters traffic = new TrafficMeters(registry);
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
        unknownService = new CountOnly(UNKNOWN, UNKNOWN, NONE, NONE);
        PromtoolNames.bindProcessCpu(registry);
        // The first timer with buckets loads and links Micrometer's histogram classes (tens of ms on a
        // cold JVM): done here, so that a method's first call, maybe on an I/O thread, only registers.
        Timer warmUp = Timer.builder("swivel.warm.up").serviceLevelObjectives(CALL_BUCKETS)
                .distributionStatisticExpiry(Duration.ofMinutes(1)).distributionStatisticBufferLength(3).register(registry);
        warmUp.record(1, TimeUnit.MILLISECONDS);
        registry.scrape();
        registry.remove(warmUp);
    }

    /**
     * Publishes how many closed bundle loaders are not collected yet.
     *
     * @param tracker the server's tracker
     */
    public void bindLoaderLeakTracker(LoaderLeakTracker tracker) {
        Gauge.builder(LOADERS, tracker, t -> t.uncollected().size())
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
        Map<String, CallMeters> unknownMethods = new HashMap<>();
        for (ServiceBinding binding : generation.services().values()) {
            String service = binding.name();
            for (Invoker invoker : binding.invokers().values()) {
                methods.put(invoker, new MethodMeters(service, invoker.methodKey(), bundle, version));
            }
            unknownMethods.put(service, new CountOnly(service, UNKNOWN, bundle, version));
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
        meters.unknownMethods().values().forEach(m -> ((CountOnly) m).close());
        synchronized (liveVersions) {
            Integer left = liveVersions.merge(meters.version(), -1, Integer::sum);
            if (left != null && left <= 0) {
                liveVersions.remove(meters.version());
                String bundle = meters.version().get(0);
                String version = meters.version().get(1);
                for (String name : new String[] {CALLS, CALL_DURATION, FATAL_ERRORS}) {
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
        Counter.builder(FATAL_ERRORS)
                .description("Calls that ended in a VirtualMachineError of the bundle's code (OutOfMemoryError, "
                        + "StackOverflowError, ...), answered INTERNAL; the server went on serving")
                .tags("bundle", generation.name(), "version", generation.version(), "error", error)
                .register(registry)
                .increment();
    }

    @Override
    public void deployed(String bundle) {
        deployments(bundle, "success", NONE).increment();
    }

    @Override
    public void deploymentFailed(String bundle, String cause) {
        deployments(bundle, "failed", cause).increment();
    }

    @Override
    public void bundleViolation(String bundle, String kind, long count) {
        Counter.builder(VIOLATIONS)
                .description("What bundles tried and may not do: exit_refused (System.exit, Runtime.exit/halt), "
                        + "thread_left (a thread still running at unload), thread_local_cleared (values left on server threads)")
                .tags("bundle", bundle, "kind", kind)
                .register(registry)
                .increment(count);
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
        Counter.builder(ROLLBACKS)
                .description("Rollbacks, by who asked: admin (API or CLI), probation (automatic), canary_analysis "
                        + "(automatic) or cluster")
                .tags("bundle", bundle, "cause", cause)
                .register(registry)
                .increment();
    }

    @Override
    public void swapped(String bundle, long nanos) {
        Timer.builder(SWAP_DURATION)
                .description("From a jar (or a rollback) being handled to the new version serving: load, start, "
                        + "health check and switch")
                .tags("bundle", bundle)
                .serviceLevelObjectives(ms(10), ms(50), ms(100), ms(300), ms(1000), ms(5000))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void drained(String bundle, long nanos) {
        Timer.builder(DRAIN_DURATION)
                .description("How long a replaced version took to finish its running calls (at most the drain timeout)")
                .tags("bundle", bundle)
                .serviceLevelObjectives(ms(10), ms(100), ms(1000), ms(5000), ms(30_000))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void decodeRefused(String limit) {
        Counter.builder(DECODE_REFUSED)
                .description("Request bodies refused while decoding, by the limit that refused them")
                .tags("limit", limit)
                .register(registry)
                .increment();
    }

    @Override
    public void callDropped(String reason) {
        Counter.builder(CALLS_DROPPED)
                .description("Calls dropped without an answer, by reason (caller_gone: the connection closed first)")
                .tags("reason", reason)
                .register(registry)
                .increment();
    }

    @Override
    public void connectionRefused(String reason) {
        Counter.builder(CONNECTIONS_REFUSED)
                .description("swivel/1 connections refused or closed by a limit (GOAWAY with the reason), by reason")
                .tags("reason", reason)
                .register(registry)
                .increment();
    }

    @Override
    public void readsPaused(String reason) {
        Counter.builder(READS_PAUSED)
                .description("Times a swivel/1 connection stopped being read until it could take more, by reason")
                .tags("reason", reason)
                .register(registry)
                .increment();
    }

    @Override
    public void acceptPaused(String reason) {
        Counter.builder(ACCEPT_PAUSED)
                .description("Times the swivel/1 port stopped accepting connections for a while, by reason")
                .tags("reason", reason)
                .register(registry)
                .increment();
    }

    @Override
    public void bindTransport(IntSupplier openConnections, LongSupplier partialFrameBytes) {
        Gauge.builder(CONNECTIONS_OPEN, openConnections, IntSupplier::getAsInt)
                .description("swivel/1 connections served now")
                .strongReference(true)
                .register(registry);
        Gauge.builder(PARTIAL_FRAMES, partialFrameBytes, LongSupplier::getAsLong)
                .description("Bytes held for swivel/1 frames not yet decoded, all connections together")
                .baseUnit("bytes")
                .strongReference(true)
                .register(registry);
    }

    private Counter deployments(String bundle, String result, String cause) {
        return Counter.builder(DEPLOYMENTS)
                .description("Versions handled: success (now serving) or failed (never served), with a short cause")
                .tags("bundle", bundle, "result", result, "cause", cause)
                .register(registry);
    }

    private Counter callCounter(String service, String method, String bundle, String version, Status status) {
        return Counter.builder(CALLS)
                .description("Answered calls, by wire status")
                .tags(Tags.of("service", service, "method", method, "bundle", bundle, "version", version,
                        "status", status.name()))
                .register(registry);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** Unbinds the GC listeners and closes the registry. */
    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }

    /** The meters of one generation; the map keys are its invokers, looked up by identity. */
    private record GenerationMeters(List<String> version, Gauge inFlight, Map<Invoker, MethodMeters> methods,
                                    Map<String, CallMeters> unknownMethods) {
    }

    /**
     * The buckets of {@code swivel_call_duration_seconds}: from a loopback call (about 100 µs) to
     * the longest deadline worth waiting for, 18 with {@code +Inf}, instead of the 70 or so of a
     * percentile histogram over the same range: enough for {@code histogram_quantile} and for SLOs
     * at 1, 5, 10, 50, 100, 500 ms and 1 s, and a tenth of the lines per method.
     */
    static final Duration[] CALL_BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        ms(1), Duration.ofNanos(2_500_000), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000),
        ms(2500), ms(5000), ms(10_000), ms(30_000)};

    /**
     * The counters (one per status) and the latency histogram of one method of one bundle
     * version, each registered on its first use. Once {@link #close closed} (its generation
     * unloaded, the version's series about to go) it registers nothing more, so a late call
     * cannot bring back a series nobody removes.
     */
    private final class MethodMeters implements CallMeters {

        private final String service;
        private final String method;
        private final String bundle;
        private final String version;
        private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(STATUSES.length);
        private volatile Timer duration;
        private boolean closed;

        MethodMeters(String service, String method, String bundle, String version) {
            this.service = service;
            this.method = method;
            this.bundle = bundle;
            this.version = version;
        }

        @Override
        public void refused(Status status) {
            Counter counter = byStatus.get(status.ordinal());
            if (counter != null || (counter = counter(status)) != null) {
                counter.increment();
            }
        }

        @Override
        public void answered(Status status, long startNanos) {
            refused(status);
            Timer timer = duration;
            if (timer != null || (timer = timer()) != null) {
                timer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            }
        }

        private synchronized Counter counter(Status status) {
            Counter counter = byStatus.get(status.ordinal());
            if (counter == null && !closed) { // closed: a late call of an unloaded generation, not counted
                counter = callCounter(service, method, bundle, version, status);
                byStatus.set(status.ordinal(), counter);
            }
            return counter;
        }

        private synchronized Timer timer() {
            if (duration == null && !closed) {
                duration = Timer.builder(CALL_DURATION)
                        .description("From a call's arrival to its answer, for calls that reached a bundle's method")
                        .tags("service", service, "method", method, "bundle", bundle, "version", version)
                        .serviceLevelObjectives(CALL_BUCKETS)
                        .distributionStatisticExpiry(Duration.ofMinutes(1))
                        .distributionStatisticBufferLength(3)
                        .register(registry);
            }
            return duration;
        }

        synchronized void close() {
            closed = true;
        }
    }

    /**
     * Calls that never reach a method, counted by status through counters created on first use
     * (none at all for a service whose every call found its method).
     */
    private final class CountOnly implements CallMeters {

        private final String service;
        private final String method;
        private final String bundle;
        private final String version;
        private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(STATUSES.length);
        private boolean closed;

        CountOnly(String service, String method, String bundle, String version) {
            this.service = service;
            this.method = method;
            this.bundle = bundle;
            this.version = version;
        }

        @Override
        public void refused(Status status) {
            Counter counter = byStatus.get(status.ordinal());
            if (counter != null || (counter = counter(status)) != null) {
                counter.increment();
            }
        }

        @Override
        public void answered(Status status, long startNanos) {
            refused(status);
        }

        private synchronized Counter counter(Status status) {
            Counter counter = byStatus.get(status.ordinal());
            if (counter == null && !closed) { // closed: a late call of an unloaded generation, not counted
                counter = callCounter(service, method, bundle, version, status);
                byStatus.set(status.ordinal(), counter);
            }
            return counter;
        }

        synchronized void close() {
            closed = true;
        }
    }

    @Override
    public String toString() {
        return "PrometheusServerMetrics[" + byGeneration.size() + " generations]";
    }
}
