package io.swivel.server.internal.deploy;

import io.swivel.api.RpcService;
import io.swivel.classloader.BundleClassLoader;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.ManagedBundleContext;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * An in-memory {@link Host}: versions are real {@link BundleGeneration}s over an empty jar (no
 * service, no activator), the directory is a map, history files are names. A version can be set
 * to fail to load, or to wait in its load until released, to build races.
 */
final class FakeHost implements Host {

    final Path root;
    final Map<String, BundleGeneration> serving = new ConcurrentHashMap<>();
    final Set<String> failingVersions = ConcurrentHashMap.newKeySet();
    final Map<String, CountDownLatch> loadGates = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> loadsStarted = new ConcurrentHashMap<>();
    final List<BundleGeneration> loaded = new CopyOnWriteArrayList<>();
    final List<String> deletedFromHistory = new CopyOnWriteArrayList<>();
    final Set<String> conflicting = ConcurrentHashMap.newKeySet();
    final Map<String, io.swivel.server.internal.dispatch.CanarySplit> splits = new ConcurrentHashMap<>();
    final Map<String, io.swivel.server.internal.dispatch.CallMirror> mirrors = new ConcurrentHashMap<>();
    volatile Map<String, String> config = Map.of();
    private final Path emptyJar;

    FakeHost(Path root) {
        this.root = root;
        this.emptyJar = root.resolve("empty.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(emptyJar), new Manifest())) {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A staged jar of {@code bundle} at {@code version}; its content hash is derived from the version. */
    BundleDescriptor descriptor(String bundle, String version) {
        return new BundleDescriptor(bundle, version, sha(version), root.resolve(bundle + ".jar"),
                root.resolve("history").resolve(bundle).resolve(version + "-" + sha(version).substring(0, 12) + ".jar"),
                null, false);
    }

    static String sha(String version) {
        return String.format("%064x", Math.abs((long) version.hashCode()) + 1);
    }

    /** Makes the next load of {@code version} wait until {@link #release} (and count down a latch when it starts). */
    CountDownLatch gate(String version) {
        loadGates.put(version, new CountDownLatch(1));
        CountDownLatch started = new CountDownLatch(1);
        loadsStarted.put(version, started);
        return started;
    }

    void release(String version) {
        loadGates.get(version).countDown();
    }

    @Override
    public BundleGeneration load(BundleDescriptor descriptor) throws DeploymentException {
        CountDownLatch started = loadsStarted.get(descriptor.version());
        if (started != null) {
            started.countDown();
        }
        CountDownLatch gate = loadGates.get(descriptor.version());
        if (gate != null) {
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new DeploymentException(DeploymentException.Failure.TIMEOUT, "gate never opened", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeploymentException("interrupted", e);
            }
        }
        if (failingVersions.contains(descriptor.version())) {
            throw new DeploymentException(DeploymentException.Failure.HEALTH_FAILED, descriptor.name() + " "
                    + descriptor.version() + ": health check failed: broken on purpose", null);
        }
        try {
            BundleClassLoader loader = BundleClassLoader.open(descriptor.name() + "@" + descriptor.version(), emptyJar,
                    RpcService.class.getClassLoader(), root.resolve("work"));
            ManagedBundleContext context = new ManagedBundleContext(descriptor.name(), descriptor.version(), config,
                    loader);
            BundleGeneration generation = new BundleGeneration(descriptor, loader, Map.of(),
                    SerializationContext.create(loader, TypeAllowlist.forServices(List.of()), 1 << 16),
                    Executors.newSingleThreadExecutor(), null, context);
            loaded.add(generation);
            return generation;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public BundleDescriptor fromHistory(String bundle, HistoryEntry entry, Path jar) {
        return descriptor(bundle, entry.version());
    }

    @Override
    public Map<String, String> readConfig(BundleDescriptor descriptor) {
        return config;
    }

    @Override
    public BundleGeneration activate(BundleGeneration generation) throws ServiceConflictException {
        if (conflicting.contains(generation.version())) {
            throw new ServiceConflictException("service io.swivel.Taken is already served by bundle other 1");
        }
        splits.remove(generation.name()); // as the directory does: a new serving version ends any split
        return serving.put(generation.name(), generation);
    }

    @Override
    public void split(String bundle, io.swivel.server.internal.dispatch.CanarySplit split) {
        if (split == null) {
            splits.remove(bundle);
        } else {
            splits.put(bundle, split);
        }
    }

    @Override
    public void mirror(String bundle, io.swivel.server.internal.dispatch.CallMirror mirror) {
        if (mirror == null) {
            mirrors.remove(bundle);
        } else if (!serving.containsKey(bundle)) {
            throw new IllegalStateException("bundle " + bundle + " does not serve here: a shadow needs a version serving");
        } else {
            mirrors.put(bundle, mirror);
        }
    }

    @Override
    public void remove(String bundle) {
        serving.remove(bundle);
        splits.remove(bundle);
    }

    @Override
    public void deleteFromHistory(String bundle, String file) {
        deletedFromHistory.add(bundle + "/" + file);
    }

    /** The unloader the retirer uses: the states a real unload moves through, and the loader closed. */
    static java.util.List<String> unload(BundleGeneration generation, Duration grace) {
        generation.stop();
        generation.executor().shutdownNow();
        try {
            generation.loader().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        generation.unloaded();
        return java.util.List.of();
    }

    /** A clock that moves only when told. */
    static final class FakeClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T20:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Hears every event, by name. */
    static final class Recorder implements LifecycleListener {
        /** Copy-on-write: assertions iterate it while drain threads still add to it. */
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<BundleFacts> facts = new CopyOnWriteArrayList<>();
        /** The version each failure names ("null" for none). */
        final List<String> failedVersions = new CopyOnWriteArrayList<>();

        @Override
        public void failed(String bundle, String version, Path jar, DeploymentException error,
                       BundleGeneration servingInstead) {
            events.add("failed " + bundle);
            failedVersions.add(String.valueOf(version));
        }

        @Override
        public void deployed(BundleGeneration generation, Path jar, BundleGeneration previous, long nanos) {
            events.add("deployed " + generation.version());
        }

        @Override
        public void swapped(BundleGeneration from, BundleGeneration to, long nanos) {
            events.add("swapped " + (from != null ? from.version() : "-") + " " + to.version());
        }

        @Override
        public void drained(BundleGeneration generation, Retirer.Drain drain) {
            events.add("drained " + generation.version());
        }

        @Override
        public void unloaded(BundleGeneration generation) {
            events.add("unloaded " + generation.version());
        }

        @Override
        public void rolledBack(BundleGeneration from, BundleGeneration to, String source, Rollback rollback,
                               String message) {
            events.add("rolledBack " + from.version() + " " + to.version() + " " + source);
        }

        @Override
        public void probationFailed(BundleGeneration generation, String reason) {
            events.add("probationFailed " + generation.version());
        }

        @Override
        public void probationPassed(BundleGeneration generation, BundleGeneration standby) {
            events.add("probationPassed " + generation.version());
        }

        @Override
        public void configApplied(BundleGeneration generation, long nanos) {
            events.add("configApplied " + generation.version());
        }

        @Override
        public void configRestarting(BundleGeneration generation) {
            events.add("configRestarting " + generation.version());
        }

        @Override
        public void servingChanged(BundleFacts bundle) {
            facts.add(bundle);
            events.add("servingChanged " + bundle.active().version());
        }

        @Override
        public void undeployed(String bundle, Path jar) {
            events.add("undeployed " + bundle);
        }

        @Override
        public void shadowStarted(ShadowMirror mirror, String message) {
            events.add("shadowStarted " + mirror.shadow().version());
        }

        @Override
        public void shadowEnded(ShadowMirror mirror, boolean promoted, String message) {
            events.add("shadowEnded " + mirror.shadow().version() + (promoted ? " promoted" : ""));
        }

        int count(String prefix) {
            return (int) events.stream().filter(e -> e.startsWith(prefix)).count();
        }
    }
}
