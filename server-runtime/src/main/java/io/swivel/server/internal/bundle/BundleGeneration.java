package io.swivel.server.internal.bundle;

import io.swivel.api.BundleActivator;
import io.swivel.classloader.BundleClassLoader;
import io.swivel.protocol.kryo.SerializationContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything one version of a bundle needs to serve, built completely before it serves and
 * then swapped in whole: its loader, service instances and invokers, serialization context,
 * executor, activator and context, and the count of calls in flight.
 *
 * <p>Only the lifecycle state, the calls in flight and the call counters change after
 * construction. The state moves only through the named transitions ({@link #activate()},
 * {@link #startDraining()}, {@link #standBy()}, {@link #reactivate()}, {@link #fail()},
 * {@link #stop()}, {@link #unloaded()}), each a compare-and-set from the state it expects.
 */
public final class BundleGeneration {

    private final BundleDescriptor descriptor;
    private final BundleClassLoader loader;
    private final Map<String, ServiceBinding> services;
    private final SerializationContext serialization;
    private final ExecutorService executor;
    private final BundleActivator activator;
    private final ManagedBundleContext context;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<InFlightCall> running = ConcurrentHashMap.newKeySet();
    private final AtomicReference<BundleState> state = new AtomicReference<>(BundleState.STARTING);
    private volatile CompletableFuture<Void> drained = new CompletableFuture<>();
    private final LongAdder calls = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final VersionSeries series = new VersionSeries(System::currentTimeMillis);
    private final AtomicBoolean slowDirectCallReported = new AtomicBoolean();
    /** Set while this version is compared with another in a canary; null otherwise. */
    private volatile CallWindow window;

    /**
     * Assembles a generation.
     *
     * @param descriptor the bundle's identity and jar
     * @param loader its classloader
     * @param services its services by name
     * @param serialization its Kryo context
     * @param executor where its calls run
     * @param activator its activator, or null
     * @param context its context
     */
    public BundleGeneration(BundleDescriptor descriptor, BundleClassLoader loader, Map<String, ServiceBinding> services,
                            SerializationContext serialization, ExecutorService executor, BundleActivator activator,
                            ManagedBundleContext context) {
        this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.services = Map.copyOf(services);
        this.serialization = Objects.requireNonNull(serialization, "serialization");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.activator = activator;
        this.context = Objects.requireNonNull(context, "context");
    }

    /**
     * Whether a slow call on an I/O thread (see {@link BundleDescriptor#direct()}) should be
     * reported now: true the first time only, so the warning is logged once per version.
     *
     * @return true once
     */
    public boolean reportSlowDirectCallOnce() {
        return slowDirectCallReported.compareAndSet(false, true);
    }

    /** @return the bundle's identity and jar */
    public BundleDescriptor descriptor() {
        return descriptor;
    }

    /** @return the bundle's name */
    public String name() {
        return descriptor.name();
    }

    /** @return this generation's version */
    public String version() {
        return descriptor.version();
    }

    /** @return the classloader */
    public BundleClassLoader loader() {
        return loader;
    }

    /** @return the services by name */
    public Map<String, ServiceBinding> services() {
        return services;
    }

    /**
     * The invoker of one method of one service.
     *
     * @param service the service name
     * @param methodKey the method key ({@code io.swivel.protocol.MethodKeys})
     * @return the invoker, or null if this version has no such service or method
     */
    public Invoker invoker(String service, String methodKey) {
        ServiceBinding binding = services.get(service);
        return binding != null ? binding.invokers().get(methodKey) : null;
    }

    /**
     * Whether this version has a service.
     *
     * @param service the service name
     * @return true if it serves it
     */
    public boolean serves(String service) {
        return services.containsKey(service);
    }

    /**
     * The method keys of one service.
     *
     * @param service the service name
     * @return its method keys, sorted as the binding lists them; empty if this version has no such service
     */
    public List<String> methodKeys(String service) {
        ServiceBinding binding = services.get(service);
        return binding != null ? binding.methodKeys() : List.of();
    }

    /** @return the service names, sorted */
    public List<String> serviceNames() {
        return List.copyOf(new TreeSet<>(services.keySet()));
    }

    /** @return the Kryo context of this generation */
    public SerializationContext serialization() {
        return serialization;
    }

    /** @return the executor calls run on */
    public ExecutorService executor() {
        return executor;
    }

    /** @return the activator, or null */
    public BundleActivator activator() {
        return activator;
    }

    /** @return the context given to the activator */
    public ManagedBundleContext context() {
        return context;
    }

    /** @return the lifecycle state */
    public BundleState state() {
        return state.get();
    }

    /**
     * The one way a state changes: compare-and-set from the state expected.
     *
     * @throws IllegalStateException naming the state found and the one expected
     */
    private void move(String transition, BundleState next, BundleState... expected) {
        for (BundleState from : expected) {
            if (state.compareAndSet(from, next)) {
                return;
            }
        }
        throw new IllegalStateException(this + ": cannot " + transition + " from " + state.get() + " (expected: "
                + (expected.length == 1 ? expected[0] : java.util.Arrays.toString(expected)) + ")");
    }

    /** STARTING → ACTIVE: the version takes calls from now on (the caller makes it serve next). */
    public void activate() {
        move("activate", BundleState.ACTIVE, BundleState.STARTING);
    }

    /**
     * STARTING or ACTIVE → FAILED: the version started but could not take over (the switch was
     * refused); it never served.
     */
    public void fail() {
        move("fail", BundleState.FAILED, BundleState.STARTING, BundleState.ACTIVE);
    }

    /** DRAINING → STANDBY: drained, and kept started during its successor's probation. */
    public void standBy() {
        move("stand by", BundleState.STANDBY, BundleState.DRAINING);
    }

    /** DRAINING, STANDBY or FAILED → STOPPED: unloading begins; it never takes calls again. */
    public void stop() {
        move("stop", BundleState.STOPPED, BundleState.DRAINING, BundleState.STANDBY, BundleState.FAILED);
    }

    /** STOPPED → UNLOADED: the classloader is closed. */
    public void unloaded() {
        move("unload", BundleState.UNLOADED, BundleState.STOPPED);
    }

    /**
     * Counts a call in, unless the generation no longer takes calls.
     *
     * @param call the call, answered early if the generation must unload before it finishes
     * @return true if the call may run here; false if the caller should answer RELOADING
     */
    public boolean tryAcquire(InFlightCall call) {
        inFlight.incrementAndGet();
        if (state.get() != BundleState.ACTIVE) {
            inFlight.decrementAndGet();
            completeDrainIfIdle();
            return false;
        }
        running.add(call);
        return true;
    }

    /**
     * Counts a call out; the last one out of a draining generation completes
     * {@link #startDraining()}.
     *
     * @param call the call counted in by {@link #tryAcquire}
     * @param failed true if it ended in an unexpected error (counted for probation)
     */
    public void release(InFlightCall call, boolean failed) {
        running.remove(call);
        CallWindow compared = window;
        long start = call.startNanos();
        if (start != 0) {
            long nanos = System.nanoTime() - start;
            series.record(nanos, failed);
            if (compared != null) {
                compared.record(nanos, failed);
            }
        }
        calls.increment();
        if (failed) {
            failures.increment();
        }
        inFlight.decrementAndGet();
        completeDrainIfIdle();
    }

    private void completeDrainIfIdle() {
        if (inFlight.get() == 0 && state.get() != BundleState.ACTIVE) {
            drained.complete(null);
        }
    }

    /**
     * Stops taking calls: from now on {@link #tryAcquire} refuses, and the returned future
     * completes when the calls already running have finished.
     *
     * @return completes when no call is in flight any more
     */
    public synchronized CompletableFuture<Void> startDraining() {
        if (drained.isDone()) {
            drained = new CompletableFuture<>(); // a standby reactivated and now replaced again
        }
        CompletableFuture<Void> future = drained;
        move("start draining", BundleState.DRAINING, BundleState.ACTIVE);
        completeDrainIfIdle();
        return future;
    }

    /**
     * The drain under way, or done: completes once no call is in flight and the version takes
     * no calls.
     *
     * @return the drain's future
     */
    public synchronized CompletableFuture<Void> drained() {
        return drained;
    }

    /**
     * DRAINING or STANDBY → ACTIVE: takes calls again, a rollback to a standby version. Whoever
     * waited for the drain is released; the call counters restart.
     */
    public synchronized void reactivate() {
        move("reactivate", BundleState.ACTIVE, BundleState.DRAINING, BundleState.STANDBY);
        calls.reset();
        failures.reset();
        CompletableFuture<Void> previous = drained;
        drained = new CompletableFuture<>();
        previous.complete(null);
    }

    /**
     * Answers every call still running with {@code RELOADING}: the drain timeout has passed.
     *
     * @param message what the callers are told
     * @return how many calls were abandoned
     */
    public int abandonRunning(String message) {
        int count = 0;
        for (InFlightCall call : running) {
            call.abandon(message);
            count++;
        }
        return count;
    }

    /**
     * Starts or stops counting this version's calls in a window of its own (a canary compares
     * the canary's window with the stable version's).
     *
     * @param window where finished calls are counted from now, or null to stop
     */
    public void compareIn(CallWindow window) {
        this.window = window;
    }

    /** @return this version's last 10 minutes of calls, for the admin page's chart */
    public VersionSeries series() {
        return series;
    }

    /** @return the window this version's calls are counted in, or null */
    public CallWindow window() {
        return window;
    }

    /** @return calls finished since this generation (last) became active */
    public long completedCalls() {
        return calls.sum();
    }

    /** @return of those, the ones that ended in an unexpected error */
    public long failedCalls() {
        return failures.sum();
    }

    /** @return the calls running now */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public String toString() {
        return descriptor.name() + "@" + descriptor.version();
    }
}
