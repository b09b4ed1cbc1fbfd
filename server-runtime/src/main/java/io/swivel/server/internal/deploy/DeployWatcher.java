package io.swivel.server.internal.deploy;

import io.swivel.server.internal.Threads;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the deploy directory ({@link WatchService}, plus a periodic rescan as a safety
 * net) and hands complete jars to deployment ({@link DeploymentOperations}). A jar counts as complete when its size
 * and modification time did not change between two looks and its zip directory reads, so
 * neither a slow {@code cp} nor an atomic {@code mv} is ever loaded half-written. A copy still
 * incomplete after {@code pendingAfter} is marked {@code .pending}; one that makes no progress
 * for {@code stalledAfter} is marked {@code .failed}. A deleted jar is undeployed. An edited
 * {@code <bundle>.properties} is delivered to its bundle once two looks agree on its content.
 *
 * <p>All bookkeeping runs on one scheduler thread; deployments run on a small pool so a slow
 * bundle does not hold up the others.
 */
public final class DeployWatcher implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(DeployWatcher.class);
    /** The delay between the two looks that prove a jar stable. */
    private static final long SETTLE_MILLIS = 40;
    /** Bundle configuration files beside the jars. */
    private static final String CONFIG_SUFFIX = ".properties";
    /** Stands for a configuration file that does not exist (no ISO-8859-1 text contains it). */
    private static final String ABSENT = "\uFFFF";

    private final Path deployDir;
    private final DeploymentOperations deployer;
    private final Duration rescanInterval;
    private final Duration pendingAfter;
    private final Duration stalledAfter;
    /** Decides when an incomplete jar is pending or stalled. */
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService deployers;
    private final AtomicBoolean scanQueued = new AtomicBoolean();
    /** Scheduler thread only. */
    private final Map<Path, Observation> observed = new HashMap<>();
    /** Scheduler thread only: the content of each {@code <bundle>.properties} last delivered. */
    private final Map<Path, String> configs = new HashMap<>();
    /** Scheduler thread only: changed content seen once, delivered when the next look agrees. */
    private final Map<Path, String> configCandidates = new HashMap<>();
    private WatchService watchService;
    private Thread watchThread;

    /**
     * Creates a watcher; nothing happens until {@link #start}.
     *
     * @param deployDir the deploy directory
     * @param deployer deploys and undeploys
     * @param rescanInterval the safety-net rescan period
     * @param pendingAfter when an incomplete jar is marked pending
     * @param stalledAfter when an incomplete jar without progress fails
     * @param clock decides when an incomplete jar is pending or stalled (its millis, compared
     *     with the files' modification times)
     */
    public DeployWatcher(Path deployDir, DeploymentOperations deployer, Duration rescanInterval, Duration pendingAfter,
                         Duration stalledAfter, Clock clock) {
        this.deployDir = deployDir;
        this.deployer = deployer;
        this.rescanInterval = rescanInterval;
        this.pendingAfter = pendingAfter;
        this.stalledAfter = stalledAfter;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("swivel-deploy-watch"));
        this.deployers = Executors.newFixedThreadPool(2, Threads.daemon("swivel-deploy"));
    }

    /**
     * Deploys the complete jars present now (before returning), then starts watching.
     *
     * @throws IOException if the directory cannot be watched
     */
    public void start() throws IOException {
        Files.createDirectories(deployDir);
        watchService = deployDir.getFileSystem().newWatchService();
        deployDir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        configs.putAll(readConfigs());
        // First look: whatever is complete now deploys synchronously, so a start serves it.
        for (Path jar : listJars()) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
                Observation seen = firstSighting(attributes);
                if (zipReads(jar)) {
                    seen.handled = true;
                    deployer.deploy(jar);
                }
                synchronized (observed) {
                    observed.put(jar, seen);
                }
                requestScan(SETTLE_MILLIS);
            } catch (NoSuchFileException gone) {
                // deleted while we looked: nothing to do
            }
        }
        watchThread = Threads.daemonThread("swivel-deploy-events", this::watchLoop);
        watchThread.start();
        scheduler.scheduleWithFixedDelay(this::scan, rescanInterval.toMillis(), rescanInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                key.pollEvents(); // which file changed does not matter: the scan looks at all of them
                key.reset();
                requestScan(0);
            }
        } catch (ClosedWatchServiceException | InterruptedException stopped) {
            // closing
        }
    }

    private void requestScan(long delayMillis) {
        if (delayMillis == 0 && !scanQueued.compareAndSet(false, true)) {
            return; // one immediate scan is already queued
        }
        try {
            scheduler.schedule(() -> {
                if (delayMillis == 0) {
                    scanQueued.set(false);
                }
                scan();
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the watcher is closing
        }
    }

    private void scan() {
        try {
            Set<Path> present = listJars();
            boolean unsettled = false;
            synchronized (observed) {
                for (Path jar : present) {
                    unsettled |= look(jar);
                }
                for (Path gone : new HashSet<>(observed.keySet())) {
                    if (!present.contains(gone)) {
                        observed.remove(gone);
                        deployers.execute(() -> deployer.undeploy(gone));
                    }
                }
            }
            unsettled |= lookAtConfigs();
            if (unsettled) {
                requestScan(SETTLE_MILLIS);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot scan {} (will look again at the next rescan)", deployDir, e);
        }
    }

    /** Looks at one jar; returns true if it needs another look soon. */
    private boolean look(Path jar) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
            return false;
        }
        long size = attributes.size();
        long modified = attributes.lastModifiedTime().toMillis();
        long now = now();
        Observation seen = observed.get(jar);
        if (seen == null || seen.size != size || seen.modified != modified) {
            Observation next = seen == null ? firstSighting(attributes) : new Observation(size, modified, now);
            if (seen != null && !seen.handled) {
                next.incompleteSince = seen.incompleteSince; // still the same copy in progress
                next.pendingWritten = seen.pendingWritten;
            }
            observed.put(jar, next);
            return true; // changed: look again once it has had time to settle
        }
        if (seen.handled) {
            return false;
        }
        if (zipReads(jar)) {
            seen.handled = true;
            deployers.execute(() -> deployer.deploy(jar));
            return false;
        }
        if (seen.incompleteSince == 0) {
            seen.incompleteSince = now;
        }
        if (now - seen.changedAt >= stalledAfter.toMillis()) {
            seen.handled = true;
            deployers.execute(() -> deployer.stalled(jar, jar.getFileName() + " is incomplete (its zip directory does "
                    + "not read) and has not changed for " + stalledAfter.toSeconds() + " s; copy it again"));
            return false;
        }
        if (!seen.pendingWritten && now - seen.incompleteSince >= pendingAfter.toMillis()) {
            seen.pendingWritten = true;
            deployer.pending(jar, size);
        }
        return true;
    }

    /**
     * Delivers changed {@code <bundle>.properties} files once two looks agree on their content,
     * so a file caught half-written is not applied; returns true if another look is needed.
     */
    private boolean lookAtConfigs() throws IOException {
        Map<Path, String> now = readConfigs();
        Set<Path> files = new HashSet<>(configs.keySet());
        files.addAll(now.keySet());
        files.addAll(configCandidates.keySet());
        boolean unsettled = false;
        for (Path file : files) {
            String content = now.getOrDefault(file, ABSENT);
            if (content.equals(configs.getOrDefault(file, ABSENT))) {
                configCandidates.remove(file);
            } else if (content.equals(configCandidates.get(file))) {
                configCandidates.remove(file);
                if (content.equals(ABSENT)) {
                    configs.remove(file);
                } else {
                    configs.put(file, content);
                }
                String name = file.getFileName().toString();
                String bundle = name.substring(0, name.length() - CONFIG_SUFFIX.length());
                log.info("{} changed; delivering it to bundle {}", name, bundle);
                deployers.execute(() -> deployer.configChanged(bundle));
            } else {
                configCandidates.put(file, content);
                unsettled = true;
            }
        }
        return unsettled;
    }

    private Map<Path, String> readConfigs() throws IOException {
        Map<Path, String> contents = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(deployDir, "*" + CONFIG_SUFFIX)) {
            for (Path entry : entries) {
                if (entry.getFileName().toString().startsWith(".")) {
                    continue;
                }
                try {
                    byte[] bytes = Files.readAllBytes(entry);
                    contents.put(entry, new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
                } catch (NoSuchFileException gone) {
                    // deleted while we looked
                }
            }
        }
        return contents;
    }

    /** A file seen for the first time last changed at its modification time, not now. */
    private Observation firstSighting(BasicFileAttributes attributes) {
        long age = Math.max(0, clock.millis() - attributes.lastModifiedTime().toMillis());
        return new Observation(attributes.size(), attributes.lastModifiedTime().toMillis(), now() - age);
    }

    /** The bundle jars present, in file-name order (so the first of two jars claiming one bundle wins). */
    private Set<Path> listJars() throws IOException {
        Set<Path> jars = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(deployDir)) {
            for (Path entry : entries) {
                if (BundleJars.isBundleJar(entry.getFileName().toString()) && Files.isRegularFile(entry)) {
                    jars.add(entry);
                }
            }
        }
        return jars;
    }

    private static boolean zipReads(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.size() >= 0;
        } catch (IOException incomplete) {
            return false;
        }
    }

    private long now() {
        return clock.millis();
    }

    /** Stops watching; deployments in progress finish. Idempotent. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                log.warn("cannot close the watch service", e);
            }
        }
        deployers.shutdown();
        try {
            if (!deployers.awaitTermination(30, TimeUnit.SECONDS)) {
                deployers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deployers.shutdownNow();
        }
    }

    /** What the scanner last saw of one jar. */
    private static final class Observation {
        final long size;
        final long modified;
        final long changedAt;
        boolean handled;
        boolean pendingWritten;
        long incompleteSince;

        Observation(long size, long modified, long changedAt) {
            this.size = size;
            this.modified = modified;
            this.changedAt = changedAt;
        }
    }
}
