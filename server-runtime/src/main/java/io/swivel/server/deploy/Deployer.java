package io.swivel.server.deploy;

import io.swivel.server.bundle.BundleDescriptor;
import io.swivel.server.bundle.BundleGeneration;
import io.swivel.server.dispatch.BundleSlot;
import io.swivel.server.dispatch.ServiceConflictException;
import io.swivel.server.dispatch.ServiceDirectory;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys, replaces and undeploys bundle jars. A new version is loaded and started while the
 * old one keeps serving, then switched in with one write; the old version drains its running
 * calls (up to the drain timeout) on a thread of its own and is unloaded. Any failure before
 * the switch leaves the serving version untouched and writes {@code .failed}, naming what
 * serves instead. Calls for one jar are serialized; different jars proceed independently.
 */
public final class Deployer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    private final BundleLoader loader;
    private final ServiceDirectory directory;
    private final Duration drainTimeout;
    private final Map<Path, Object> locks = new ConcurrentHashMap<>();
    /** The content (sha256) last handled per jar, so an unchanged jar is not deployed twice. */
    private final Map<Path, String> handled = new ConcurrentHashMap<>();
    private final ExecutorService drainer;

    /**
     * Creates a deployer.
     *
     * @param loader loads bundle jars
     * @param directory where bundles serve
     * @param drainTimeout how long a replaced version may finish its running calls
     */
    public Deployer(BundleLoader loader, ServiceDirectory directory, Duration drainTimeout) {
        this.loader = loader;
        this.directory = directory;
        this.drainTimeout = drainTimeout;
        AtomicInteger count = new AtomicInteger();
        this.drainer = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "swivel-drain-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Whether a file in the deploy directory is a bundle jar to handle: {@code *.jar}, not a
     * dotfile, not a partial copy.
     *
     * @param file a file name
     * @return true for bundle jars
     */
    public static boolean isBundleJar(String file) {
        return file.endsWith(".jar") && !file.startsWith(".") && !file.endsWith(".tmp") && !file.endsWith(".part");
    }

    /**
     * Deploys a complete jar: a new bundle, or the next version of the bundle it holds. Does
     * nothing if the jar's content was handled already.
     *
     * @param jar the jar in the deploy directory
     * @return true if a new version serves now
     */
    public boolean deploy(Path jar) {
        synchronized (locks.computeIfAbsent(jar, j -> new Object())) {
            long start = System.nanoTime();
            BundleDescriptor descriptor;
            try {
                descriptor = loader.stage(jar);
            } catch (DeploymentException e) {
                reportFailure(jar, e, null);
                return false;
            }
            if (descriptor.sha256().equals(handled.get(jar))) {
                return false;
            }
            handled.put(jar, descriptor.sha256());
            BundleGeneration generation;
            try {
                generation = loader.load(descriptor);
            } catch (DeploymentException e) {
                reportFailure(jar, e, descriptor.name());
                return false;
            }
            BundleGeneration previous;
            try {
                previous = directory.activate(generation);
            } catch (ServiceConflictException e) {
                loader.unload(generation, Duration.ZERO);
                reportFailure(jar, new DeploymentException(generation.name() + " " + generation.version() + ": "
                        + e.getMessage(), e), generation.name());
                return false;
            }
            long switched = System.nanoTime();
            try {
                Markers.deployed(jar, descriptor);
            } catch (IOException e) {
                log.warn("{} serves, but its marker cannot be written: {}", generation, e.toString());
            }
            if (previous == null) {
                log.info("{} {} active in {} ms (from {})", generation.name(), generation.version(),
                        millis(switched - start), jar.getFileName());
            } else {
                retire(previous, generation, millis(switched - start));
            }
            return true;
        }
    }

    /**
     * Undeploys the bundle of a jar that was deleted: its services stop resolving at once, its
     * running calls drain, then it unloads. Its markers are removed.
     *
     * @param jar the deleted jar
     */
    public void undeploy(Path jar) {
        synchronized (locks.computeIfAbsent(jar, j -> new Object())) {
            handled.remove(jar);
            for (BundleSlot slot : directory.slots()) {
                BundleGeneration active = slot.active();
                if (active != null && active.descriptor().source().equals(jar)) {
                    directory.remove(slot.name());
                    retire(active, null, 0);
                }
            }
            try {
                Markers.clear(jar);
            } catch (IOException e) {
                log.warn("cannot remove the markers of {}: {}", jar.getFileName(), e.toString());
            }
        }
    }

    /**
     * Writes a marker for a jar that is still being copied.
     *
     * @param jar the jar
     * @param size the bytes present so far
     */
    public void pending(Path jar, long size) {
        try {
            Markers.pending(jar, size);
        } catch (IOException e) {
            log.warn("cannot write the .pending marker of {}: {}", jar.getFileName(), e.toString());
        }
    }

    /**
     * Gives up on a jar whose copy made no progress.
     *
     * @param jar the jar
     * @param error why
     */
    public void stalled(Path jar, String error) {
        reportFailure(jar, new DeploymentException(error, null), null);
    }

    private void retire(BundleGeneration old, BundleGeneration successor, long startMillis) {
        int running = old.inFlight();
        long drainStart = System.nanoTime();
        drainer.execute(() -> {
            try {
                old.startDraining().get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.warn("{} {}: {} call(s) still running after the drain timeout of {} ms; unloading anyway",
                        old.name(), old.version(), old.inFlight(), drainTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("drain cannot fail", e);
            }
            long drainMillis = millis(System.nanoTime() - drainStart);
            if (successor != null) {
                log.info("{} {} → {} active in {} ms, drained {} call(s) in {} ms", old.name(), old.version(),
                        successor.version(), startMillis, running, drainMillis);
            } else {
                log.info("{} {} undeployed, drained {} call(s) in {} ms", old.name(), old.version(), running, drainMillis);
            }
            loader.unload(old, Duration.ofSeconds(1));
        });
    }

    private void reportFailure(Path jar, DeploymentException error, String bundle) {
        String instead = "nothing";
        if (bundle != null) {
            BundleSlot slot = directory.slot(bundle);
            BundleGeneration active = slot != null ? slot.active() : null;
            if (active != null) {
                instead = active.name() + " " + active.version() + " (from " + active.descriptor().source().getFileName() + ")";
            }
        }
        log.warn("{} not deployed: {}; serving instead: {}", jar.getFileName(), error.getMessage(), instead);
        if (error.getCause() != null) {
            log.debug("cause of the failed deployment of {}", jar.getFileName(), error);
        }
        try {
            Markers.failed(jar, error, instead);
        } catch (IOException e) {
            log.warn("cannot write the .failed marker of {}: {}", jar.getFileName(), e.toString());
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Waits briefly for drains in progress, then stops. */
    @Override
    public void close() {
        drainer.shutdown();
        try {
            if (!drainer.awaitTermination(drainTimeout.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                drainer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drainer.shutdownNow();
        }
    }
}
