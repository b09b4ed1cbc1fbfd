package io.swivel.server.deploy;

import io.swivel.server.bundle.BundleDescriptor;
import io.swivel.server.bundle.BundleGeneration;
import io.swivel.server.logging.BundleMdc;
import io.swivel.server.bundle.BundleState;
import io.swivel.server.dispatch.BundleSlot;
import io.swivel.server.dispatch.ServiceConflictException;
import io.swivel.server.dispatch.ServiceDirectory;
import io.swivel.server.metrics.ServerMetrics;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys, replaces, rolls back and undeploys bundles. A new version is loaded and started
 * while the old one keeps serving, then switched in with one write. The replaced version
 * drains its running calls (answering {@code RELOADING} to those still running at the drain
 * timeout) and stays started as <em>standby</em> while the new one is on probation: if the new
 * version's health check fails or its error rate crosses the limit, the standby is switched
 * back. Any failure before the switch leaves the serving version untouched and writes
 * {@code .failed}, naming what serves instead.
 *
 * <p>Every version that served is kept in {@code <data-dir>/history/<bundle>/} (the last few),
 * and {@code <data-dir>/state.json} records what serves, so a restart serves the same
 * versions, including a rollback: a rolled-back jar is not deployed again until its content
 * changes.
 *
 * <p>Work on one jar is serialized, and so is work on one bundle; different bundles proceed
 * independently.
 */
public final class Deployer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    /** Who rolled back, as {@code .rolledback} and the status show it, for {@code swivel rollback}. */
    public static final String BY_ADMIN = "admin API (swivel rollback)";
    private static final long DRAIN_PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Who rolled back, for an automatic rollback in probation. */
    public static final String BY_PROBATION = "probation (automatic)";

    /**
     * How deployments behave.
     *
     * @param drainTimeout how long a replaced version may finish its running calls
     * @param historyLimit how many versions of each bundle {@code <data-dir>/history} keeps
     * @param probation how long the previous version stays standby; zero turns probation off
     * @param maxErrorRate the share of unexpected failures that fails probation
     * @param minCalls the finished calls before the error rate counts
     * @param healthTimeout how long one health check may take
     */
    public record Settings(Duration drainTimeout, int historyLimit, Duration probation, double maxErrorRate,
                           long minCalls, Duration healthTimeout) {

        /**
         * Validates the settings.
         *
         * @param drainTimeout the drain limit
         * @param historyLimit versions kept per bundle, at least 1
         * @param probation the probation window, zero or more
         * @param maxErrorRate between 0 and 1
         * @param minCalls at least 1
         * @param healthTimeout the health check limit
         */
        public Settings {
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            Objects.requireNonNull(probation, "probation");
            Objects.requireNonNull(healthTimeout, "healthTimeout");
            if (historyLimit < 1) {
                throw new IllegalArgumentException("historyLimit: " + historyLimit + " (expected: >= 1)");
            }
            if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
                throw new IllegalArgumentException("maxErrorRate: " + maxErrorRate + " (expected: 0..1)");
            }
            if (minCalls < 1) {
                throw new IllegalArgumentException("minCalls: " + minCalls + " (expected: >= 1)");
            }
        }
    }

    private final BundleLoader loader;
    private final ServiceDirectory directory;
    private final Settings settings;
    private final Path historyDir;
    private final StateFile stateFile;
    private final Probation probation;
    private final Map<Path, Object> jarLocks = new ConcurrentHashMap<>();
    /** The content (sha256) last handled per jar, so an unchanged jar is not deployed twice. */
    private final Map<Path, String> handled = new ConcurrentHashMap<>();
    private final Map<String, BundleRecord> records = new ConcurrentHashMap<>();
    private final Object stateLock = new Object();
    private final ExecutorService drainer;
    private final ServerMetrics metrics;

    /**
     * Creates a deployer that measures nothing and reads {@code state.json}.
     *
     * @param loader loads bundle jars
     * @param directory where bundles serve
     * @param deployDir the deploy directory
     * @param dataDir the data directory ({@code history/}, {@code state.json})
     * @param settings how deployments behave
     */
    public Deployer(BundleLoader loader, ServiceDirectory directory, Path deployDir, Path dataDir, Settings settings) {
        this(loader, directory, deployDir, dataDir, settings, ServerMetrics.none());
    }

    /**
     * Creates a deployer and reads {@code state.json}; nothing is loaded until jars are deployed.
     *
     * @param loader loads bundle jars
     * @param directory where bundles serve
     * @param deployDir the deploy directory
     * @param dataDir the data directory ({@code history/}, {@code state.json})
     * @param settings how deployments behave
     * @param metrics counts deployments, rollbacks, swaps and drains
     */
    public Deployer(BundleLoader loader, ServiceDirectory directory, Path deployDir, Path dataDir, Settings settings,
                    ServerMetrics metrics) {
        this.metrics = metrics;
        this.loader = loader;
        this.directory = directory;
        this.settings = settings;
        this.historyDir = dataDir.resolve("history");
        this.stateFile = new StateFile(dataDir);
        this.probation = new Probation(new Probation.Policy(settings.probation(), settings.maxErrorRate(),
                settings.minCalls(), settings.healthTimeout()));
        AtomicInteger count = new AtomicInteger();
        this.drainer = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "swivel-drain-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        SavedState saved = stateFile.load();
        saved.bundles().forEach((name, bundle) -> {
            BundleRecord record = new BundleRecord(name);
            record.jar = deployDir.resolve(bundle.jar());
            record.jarSha256 = bundle.jarSha256();
            record.savedActiveSha256 = bundle.activeSha256();
            record.rolledBack = bundle.rolledBack();
            record.history = bundle.history() != null ? List.copyOf(bundle.history()) : List.of();
            record.saved = bundle;
            records.put(name, record);
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
     * nothing if the jar's content was handled already. After a restart, a jar whose content
     * was rolled back serves the version it was rolled back to, from history.
     *
     * @param jar the jar in the deploy directory
     * @return true if a new version serves now
     */
    public boolean deploy(Path jar) {
        synchronized (jarLocks.computeIfAbsent(jar, j -> new Object())) {
            long start = System.nanoTime();
            BundleDescriptor descriptor;
            try {
                descriptor = loader.stage(jar);
            } catch (DeploymentException e) {
                BundleRecord record = record(BundleJars.nameFromFile(jar.getFileName().toString()));
                synchronized (record) {
                    try (BundleMdc.Scope mdc = BundleMdc.open(record.name, "")) {
                        fail(record, jar, e, null);
                    }
                }
                return false;
            }
            if (descriptor.sha256().equals(handled.get(jar))) {
                return false;
            }
            handled.put(jar, descriptor.sha256());
            BundleRecord record = record(descriptor.name());
            synchronized (record) {
                try (BundleMdc.Scope mdc = BundleMdc.open(descriptor.name(), descriptor.version())) {
                    return deployStaged(record, jar, descriptor, start);
                }
            }
        }
    }

    /** Deploys a staged jar; the caller holds the record's lock. */
    private boolean deployStaged(BundleRecord record, Path jar, BundleDescriptor descriptor, long start) {
        if (restoreRollback(record, jar, descriptor)) {
            return true;
        }
        BundleGeneration generation;
        try {
            generation = loader.load(descriptor);
        } catch (DeploymentException e) {
            fail(record, jar, e, descriptor);
            return false;
        }
        BundleGeneration previous;
        try {
            previous = switchTo(record, generation, true, start);
        } catch (ServiceConflictException e) {
            loader.unload(generation, Duration.ZERO);
            fail(record, jar, new DeploymentException(DeploymentException.Failure.CONFLICT, generation.name() + " "
                    + generation.version() + ": " + e.getMessage(), e), descriptor);
            return false;
        }
        record.jar = jar;
        record.jarSha256 = descriptor.sha256();
        record.rolledBack = null;
        record.savedActiveSha256 = null;
        record.remember(new HistoryEntry(descriptor.version(), descriptor.sha256(),
                descriptor.staged().getFileName().toString(), Instant.now()));
        prune(record);
        writeMarker(record, generation);
        metrics.deployed(record.name);
        if (previous == null) {
            log.info("{} {} active in {} ms (from {})", generation.name(), generation.version(),
                    millisSince(start), jar.getFileName());
        }
        persist(record);
        return true;
    }

    /**
     * Undeploys the bundle of a jar that was deleted: its services stop resolving at once, its
     * running calls drain, then it unloads, and its standby with it. Its markers are removed.
     *
     * @param jar the deleted jar
     */
    public void undeploy(Path jar) {
        synchronized (jarLocks.computeIfAbsent(jar, j -> new Object())) {
            handled.remove(jar);
            for (BundleRecord record : List.copyOf(records.values())) {
                if (!jar.equals(record.jar)) {
                    continue;
                }
                synchronized (record) {
                    BundleGeneration active = active(record);
                    try (BundleMdc.Scope mdc = BundleMdc.open(record.name, active != null ? active.version() : "")) {
                        undeploy(record, active, jar);
                    }
                }
            }
            try {
                Markers.clear(jar);
            } catch (IOException e) {
                log.warn("cannot remove the markers of {}: {}", jar.getFileName(), e.toString());
            }
            saveState();
        }
    }

    /** Stops serving a bundle whose jar was deleted; the caller holds the record's lock. */
    private void undeploy(BundleRecord record, BundleGeneration active, Path jar) {
        if (active != null && active.descriptor().source().equals(jar)) {
            directory.remove(record.name);
            retire(active, active.name() + " " + active.version() + " undeployed");
        }
        endProbation(record);
        BundleGeneration standby = record.standby;
        record.standby = null;
        if (standby != null) {
            retire(standby, null);
        }
        records.remove(record.name, record);
    }

    /**
     * Rolls a bundle back: to its standby version (one switch), or to a version kept in
     * history (loaded and started first, while the current version keeps serving). Without a
     * version, the target is the standby, else the version deployed before the active one.
     * The version rolled back from drains and unloads; the jar is not deployed again until its
     * content changes.
     *
     * @param bundle the bundle name
     * @param toVersion the version to return to, or null for the previous one
     * @param by who asks, for the marker and the log
     * @param reason why, or null
     * @return what happened, in one line
     * @throws RollbackException if nothing changed, and why
     */
    public String rollback(String bundle, String toVersion, String by, String reason) throws RollbackException {
        BundleRecord record = records.get(bundle);
        if (record == null || active(record) == null) {
            throw new RollbackException(RollbackException.Reason.UNKNOWN_BUNDLE, "no bundle " + bundle
                    + " serves here; bundles: " + servingNames(), null);
        }
        synchronized (record) {
            BundleGeneration active = active(record);
            if (active == null) {
                throw new RollbackException(RollbackException.Reason.UNKNOWN_BUNDLE, "no bundle " + bundle
                        + " serves here; bundles: " + servingNames(), null);
            }
            try (BundleMdc.Scope mdc = BundleMdc.open(active)) {
                return rollback(record, active, toVersion, by, reason);
            }
        }
    }

    /** Rolls back from the active version; the caller holds the record's lock. */
    private String rollback(BundleRecord record, BundleGeneration active, String toVersion, String by, String reason)
            throws RollbackException {
        String bundle = record.name;
        long start = System.nanoTime();
        BundleGeneration standby = record.standby;
        BundleGeneration target;
        String from;
        if (standby != null && (toVersion == null || toVersion.equals(standby.version()))) {
            target = standby;
            from = "standby";
        } else {
            target = loadFromHistory(record, active, toVersion);
            from = "history";
        }
        try {
            switchTo(record, target, false, start);
        } catch (ServiceConflictException e) {
            if (target != standby) {
                loader.unload(target, Duration.ZERO);
            }
            throw new RollbackException(RollbackException.Reason.LOAD_FAILED, bundle + " " + target.version()
                    + " cannot serve: " + e.getMessage() + "; " + active.version() + " keeps serving", e);
        }
        long millis = millisSince(start);
        Rollback rollback = new Rollback(by, active.version(), target.version(), reason, Instant.now());
        if (reason != null) {
            record.error(active.name() + " " + active.version() + " was rolled back to " + target.version()
                    + " by " + by + ": " + reason);
        }
        record.rolledBack = target.descriptor().sha256().equals(record.jarSha256) ? null : rollback;
        writeMarker(record, target);
        persist(record);
        metrics.rolledBack(bundle, BY_ADMIN.equals(by) ? "admin" : BY_PROBATION.equals(by) ? "probation" : "cluster");
        String message = bundle + " " + active.version() + " → " + target.version() + " rolled back from " + from
                + " in " + millis + " ms";
        if (reason != null) {
            log.warn("{} by {}: {}", message, by, reason);
        } else {
            log.info("{} by {}", message, by);
        }
        return message;
    }

    /**
     * Delivers an edited {@code <bundle>.properties} to the version serving: in place, through
     * its configuration listeners; or, for a bundle without listeners, by starting the same
     * version again with the new configuration and swapping it in.
     *
     * @param bundle the bundle name
     */
    public void configChanged(String bundle) {
        BundleRecord record = records.get(bundle);
        if (record == null) {
            return; // no such bundle: its configuration is read when it deploys
        }
        synchronized (record) {
            BundleGeneration active = active(record);
            if (active == null) {
                return;
            }
            try (BundleMdc.Scope mdc = BundleMdc.open(active)) {
                configChanged(record, active);
            }
        }
    }

    /** Applies a changed configuration to the active version; the caller holds the record's lock. */
    private void configChanged(BundleRecord record, BundleGeneration active) {
        long start = System.nanoTime();
        Map<String, String> config;
        try {
            config = loader.readConfig(active.descriptor());
        } catch (DeploymentException e) {
            record.error(e.getMessage());
            log.warn("{}; {} {} keeps its configuration", e.getMessage(), active.name(), active.version());
            return;
        }
        if (config.equals(active.context().config().asMap())) {
            return;
        }
        if (active.context().hasConfigListeners()) {
            try {
                active.context().updateConfig(config);
                log.info("{} {}: configuration updated in place in {} ms", active.name(), active.version(),
                        millisSince(start));
            } catch (Exception e) {
                record.error(active.name() + " " + active.version() + " could not apply its new configuration: " + e);
                log.warn("{} {} could not apply its new configuration: {}", active.name(), active.version(),
                        e.toString(), e);
            }
            return;
        }
        log.info("{} {} has no configuration listener: restarting it with the new configuration",
                active.name(), active.version());
        BundleGeneration restarted;
        try {
            restarted = loader.load(active.descriptor());
            switchTo(record, restarted, true, start);
        } catch (DeploymentException e) {
            fail(record, record.jar, e, null);
            return;
        } catch (ServiceConflictException e) {
            throw new IllegalStateException("the same version conflicted with itself", e);
        }
        writeMarker(record, restarted);
        persist(record);
        metrics.deployed(record.name);
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
        BundleRecord record = record(BundleJars.nameFromFile(jar.getFileName().toString()));
        synchronized (record) {
            fail(record, jar, new DeploymentException(DeploymentException.Failure.STALLED, error, null), null);
        }
    }

    /**
     * Called once the jars present at start have been deployed: bundles that state.json
     * remembers but whose jar is gone are forgotten.
     */
    public void startupDone() {
        for (BundleRecord record : List.copyOf(records.values())) {
            synchronized (record) {
                if (active(record) == null) {
                    record.saved = null;
                    record.savedActiveSha256 = null;
                    if (record.lastError == null) {
                        records.remove(record.name, record);
                    }
                }
            }
        }
        saveState();
    }

    /**
     * What every bundle looks like now: those serving, on standby, or failed. Never waits for
     * a deployment in progress.
     *
     * @return the bundles, sorted by name
     */
    public List<BundleView> status() {
        List<BundleView> views = new ArrayList<>();
        for (BundleRecord record : records.values()) {
            BundleView view = view(record);
            if (view.active() != null || view.standby() != null || view.lastError() != null) {
                views.add(view);
            }
        }
        views.sort(Comparator.comparing(BundleView::name));
        return views;
    }

    /**
     * One bundle, as {@link #status()} shows it.
     *
     * @param bundle the bundle name
     * @return the bundle, or empty
     */
    public Optional<BundleView> status(String bundle) {
        return status().stream().filter(view -> view.name().equals(bundle)).findFirst();
    }

    /**
     * The names of the bundles that serve now, for messages.
     *
     * @return sorted names
     */
    public List<String> servingNames() {
        return directory.slots().stream().filter(slot -> slot.active() != null).map(BundleSlot::name).toList();
    }

    private BundleView view(BundleRecord record) {
        Probation.Watch watch = record.probation;
        return new BundleView(record.name, record.jar != null ? record.jar.getFileName().toString() : null,
                version(active(record)), version(record.standby), watch != null ? watch.endsAt() : null,
                record.rolledBack, record.lastError, record.lastErrorAt, record.history);
    }

    private static BundleView.Version version(BundleGeneration generation) {
        if (generation == null) {
            return null;
        }
        return new BundleView.Version(generation.version(), generation.descriptor().sha256(), generation.state().name(),
                generation.inFlight(), generation.completedCalls(), generation.failedCalls(), generation.serviceNames());
    }

    // ---- switching -------------------------------------------------------------------------

    /**
     * Makes {@code next} serve (under the record's lock). The version it replaces becomes the
     * standby for {@code next}'s probation, or, without probation, drains and unloads; an
     * earlier standby unloads.
     */
    private BundleGeneration switchTo(BundleRecord record, BundleGeneration next, boolean onProbation, long startNanos)
            throws ServiceConflictException {
        BundleGeneration oldStandby = record.standby;
        boolean fromStandby = next == oldStandby;
        if (fromStandby) {
            next.reactivate();
        }
        BundleGeneration previous;
        try {
            previous = directory.activate(next);
        } catch (ServiceConflictException e) {
            if (fromStandby) {
                next.startDraining();
            }
            throw e;
        }
        metrics.swapped(next.name(), System.nanoTime() - startNanos);
        endProbation(record);
        record.standby = null;
        if (oldStandby != null && !fromStandby) {
            retire(oldStandby, null);
        }
        if (previous == null) {
            return null;
        }
        String summary = previous.name() + " " + previous.version() + " → " + next.version() + " active in "
                + millisSince(startNanos) + " ms";
        if (onProbation && probation.policy().enabled()) {
            keepAsStandby(record, previous, next, summary);
        } else {
            retire(previous, summary);
        }
        return previous;
    }

    private void keepAsStandby(BundleRecord record, BundleGeneration previous, BundleGeneration next, String summary) {
        record.standby = previous;
        record.probation = probation.start(next, new Probation.Outcome() {
            @Override
            public void failed(BundleGeneration generation, String reason) {
                probationFailed(record, generation, reason);
            }

            @Override
            public void passed(BundleGeneration generation) {
                probationPassed(record, generation);
            }
        });
        int running = previous.inFlight();
        long drainStart = System.nanoTime();
        execute(BundleMdc.wrap(previous.name(), previous.version(), () -> {
            int abandoned = drain(previous);
            synchronized (record) {
                if (record.standby == previous && previous.state() == BundleState.DRAINING) {
                    previous.state(BundleState.STANDBY);
                }
            }
            log.info("{}, drained {} call(s) in {} ms{}; {} stays standby for {} s of probation", summary,
                    running - abandoned, millisSince(drainStart), abandoned > 0 ? " (" + abandoned + " answered RELOADING)" : "",
                    previous.version(), probation.policy().window().toSeconds());
        }), () -> loader.unload(previous, Duration.ZERO));
    }

    private void probationFailed(BundleRecord record, BundleGeneration generation, String reason) {
        synchronized (record) {
            Probation.Watch watch = record.probation;
            if (watch == null || watch.generation() != generation || record.standby == null) {
                return; // replaced or rolled back meanwhile
            }
            try {
                rollback(record.name, record.standby.version(), BY_PROBATION,
                        generation.version() + " failed probation: " + reason);
            } catch (RollbackException e) {
                record.error(generation.name() + " " + generation.version() + " failed probation (" + reason
                        + ") but could not be rolled back: " + e.getMessage());
                log.error("{} {} failed probation ({}) but could not be rolled back: {}", generation.name(),
                        generation.version(), reason, e.getMessage(), e);
            }
        }
    }

    private void probationPassed(BundleRecord record, BundleGeneration generation) {
        synchronized (record) {
            Probation.Watch watch = record.probation;
            if (watch == null || watch.generation() != generation) {
                return;
            }
            record.probation = null;
            BundleGeneration standby = record.standby;
            record.standby = null;
            if (standby != null) {
                try (BundleMdc.Scope mdc = BundleMdc.open(generation)) {
                    log.info("{} {} passed probation ({} calls, {} failed); releasing standby {}", generation.name(),
                            generation.version(), generation.completedCalls(), generation.failedCalls(),
                            standby.version());
                }
                retire(standby, null);
            }
        }
    }

    private void endProbation(BundleRecord record) {
        Probation.Watch watch = record.probation;
        record.probation = null;
        if (watch != null) {
            watch.cancel();
        }
    }

    private BundleGeneration loadFromHistory(BundleRecord record, BundleGeneration active, String toVersion)
            throws RollbackException {
        List<HistoryEntry> history = record.history;
        HistoryEntry entry = null;
        if (toVersion == null) {
            int index = -1;
            for (int i = 0; i < history.size(); i++) {
                if (history.get(i).sha256().equals(active.descriptor().sha256())) {
                    index = i;
                    break;
                }
            }
            for (int i = index + 1; i < history.size() && entry == null; i++) {
                if (!history.get(i).sha256().equals(active.descriptor().sha256())) {
                    entry = history.get(i);
                }
            }
            if (entry == null) {
                throw new RollbackException(RollbackException.Reason.NOTHING_TO_ROLL_BACK_TO, record.name + " "
                        + active.version() + " has no earlier version to roll back to (history: "
                        + versions(history) + ")", null);
            }
        } else {
            entry = history.stream().filter(e -> e.version().equals(toVersion)).findFirst().orElse(null);
            if (entry == null) {
                throw new RollbackException(RollbackException.Reason.NOTHING_TO_ROLL_BACK_TO, "no version " + toVersion
                        + " of " + record.name + " in history; versions kept: " + versions(history), null);
            }
            if (entry.sha256().equals(active.descriptor().sha256())) {
                throw new RollbackException(RollbackException.Reason.NOTHING_TO_ROLL_BACK_TO, record.name + " "
                        + toVersion + " serves already", null);
            }
        }
        Path file = historyDir.resolve(record.name).resolve(entry.file());
        try {
            BundleDescriptor descriptor = BundleJars.fromHistory(file, record.jar);
            if (!descriptor.sha256().equals(entry.sha256())) {
                throw new DeploymentException(DeploymentException.Failure.BAD_JAR, file + " no longer holds the content deployed as " + entry.version()
                        + " (its SHA-256 changed)", null);
            }
            return loader.load(descriptor);
        } catch (DeploymentException e) {
            record.error("rollback to " + entry.version() + " failed: " + e.getMessage());
            throw new RollbackException(RollbackException.Reason.LOAD_FAILED, record.name + " " + entry.version()
                    + " from history did not start: " + e.getMessage() + "; " + active.version() + " keeps serving", e);
        }
    }

    /** After a restart: the jar holds content that was rolled back, so serve what served before. */
    private boolean restoreRollback(BundleRecord record, Path jar, BundleDescriptor descriptor) {
        String savedActive = record.savedActiveSha256;
        if (savedActive == null || record.rolledBack == null || active(record) != null || !jar.equals(record.jar)
                || !descriptor.sha256().equals(record.jarSha256) || savedActive.equals(descriptor.sha256())) {
            return false;
        }
        Optional<HistoryEntry> entry = record.historyEntry(savedActive);
        if (entry.isEmpty()) {
            log.warn("{}: the version rolled back to before the restart is not in history; deploying {} as it is",
                    record.name, jar.getFileName());
            return false;
        }
        BundleGeneration generation;
        try {
            BundleDescriptor kept = BundleJars.fromHistory(historyDir.resolve(record.name).resolve(entry.get().file()), jar);
            generation = loader.load(kept);
        } catch (DeploymentException e) {
            log.warn("{}: cannot restore {} from history ({}); deploying {} as it is", record.name,
                    entry.get().version(), e.getMessage(), jar.getFileName());
            return false;
        }
        try {
            directory.activate(generation);
        } catch (ServiceConflictException e) {
            loader.unload(generation, Duration.ZERO);
            log.warn("{}: cannot restore {} ({}); deploying {} as it is", record.name, entry.get().version(),
                    e.getMessage(), jar.getFileName());
            return false;
        }
        record.savedActiveSha256 = null;
        writeMarker(record, generation);
        persist(record);
        metrics.deployed(record.name);
        log.info("{} {} active again (from history): {} holds {}, which {} rolled back before the restart",
                record.name, generation.version(), jar.getFileName(), descriptor.version(), record.rolledBack.by());
        return true;
    }

    // ---- draining and unloading ------------------------------------------------------------

    /**
     * Drains a version that no longer takes calls, then unloads it.
     *
     * @param old the version
     * @param summary the log line's beginning, or null to log nothing but the unload
     */
    private void retire(BundleGeneration old, String summary) {
        int running = old.inFlight();
        long drainStart = System.nanoTime();
        execute(BundleMdc.wrap(old.name(), old.version(), () -> {
            int abandoned = drain(old);
            if (summary != null) {
                log.info("{}, drained {} call(s) in {} ms{}", summary, running - abandoned, millisSince(drainStart),
                        abandoned > 0 ? " (" + abandoned + " answered RELOADING)" : "");
            }
            loader.unload(old, Duration.ofSeconds(1));
        }), () -> loader.unload(old, Duration.ZERO));
    }

    /** Waits for the running calls up to the drain timeout; answers the rest RELOADING. */
    private int drain(BundleGeneration old) {
        long start = System.nanoTime();
        try {
            CompletableFuture<Void> drained = old.startDraining();
            long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    drained.get(Math.min(left, DRAIN_PROGRESS_EVERY_NANOS), TimeUnit.NANOSECONDS);
                    metrics.drained(old.name(), System.nanoTime() - start);
                    return 0;
                } catch (TimeoutException e) {
                    if (deadline - System.nanoTime() <= 0) {
                        throw e;
                    }
                    log.info("{} {} draining: {} call(s) still running, {} s left of the drain timeout", old.name(),
                            old.version(), old.inFlight(), TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
                }
            }
        } catch (TimeoutException e) {
            int abandoned = old.abandonRunning(old.name() + " " + old.version() + " was replaced and did not finish "
                    + "this call within the drain timeout of " + settings.drainTimeout().toMillis() + " ms; retry");
            metrics.drained(old.name(), System.nanoTime() - start);
            log.warn("{} {}: {} call(s) still running after the drain timeout of {} ms were answered RELOADING",
                    old.name(), old.version(), abandoned, settings.drainTimeout().toMillis());
            return abandoned;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a drain cannot fail", e);
        }
    }

    private void execute(Runnable task, Runnable whenClosed) {
        try {
            drainer.execute(task);
        } catch (RejectedExecutionException closing) {
            whenClosed.run();
        }
    }

    // ---- bookkeeping -----------------------------------------------------------------------

    private BundleRecord record(String name) {
        return records.computeIfAbsent(name, BundleRecord::new);
    }

    private BundleGeneration active(BundleRecord record) {
        BundleSlot slot = directory.slot(record.name);
        return slot != null ? slot.active() : null;
    }

    private void fail(BundleRecord record, Path jar, DeploymentException error, BundleDescriptor staged) {
        BundleGeneration active = active(record);
        if (active == null) {
            record.jar = jar;
        }
        record.error(jar.getFileName() + ": " + error.getMessage());
        metrics.deploymentFailed(record.name, error.failure().label());
        String instead = active != null
                ? active.name() + " " + active.version() + " (from " + active.descriptor().source().getFileName() + ")"
                : "nothing";
        log.warn("{} not deployed: {}; serving instead: {}", jar.getFileName(), error.getMessage(), instead);
        if (error.getCause() != null) {
            log.debug("cause of the failed deployment of {}", jar.getFileName(), error);
        }
        try {
            Markers.failed(jar, error, instead);
        } catch (IOException e) {
            log.warn("cannot write the .failed marker of {}: {}", jar.getFileName(), e.toString());
        }
        if (staged != null) {
            deleteUnlessKept(record, staged.staged());
        }
    }

    private void writeMarker(BundleRecord record, BundleGeneration serving) {
        Path jar = record.jar;
        try {
            Rollback rolledBack = record.rolledBack;
            if (rolledBack == null) {
                Markers.deployed(jar, serving.descriptor());
            } else {
                Markers.rolledBack(jar, record.name, rolledBack, record.jarSha256);
            }
        } catch (IOException e) {
            log.warn("{} serves, but the marker of {} cannot be written: {}", serving, jar.getFileName(), e.toString());
        }
    }

    /** Keeps the newest {@code historyLimit} versions; the files of versions still loaded stay. */
    private void prune(BundleRecord record) {
        List<HistoryEntry> history = record.history;
        if (history.size() <= settings.historyLimit()) {
            return;
        }
        record.history = List.copyOf(history.subList(0, settings.historyLimit()));
        Set<String> loaded = loadedFiles(record);
        for (HistoryEntry dropped : history.subList(settings.historyLimit(), history.size())) {
            if (!loaded.contains(dropped.file())) {
                delete(historyDir.resolve(record.name).resolve(dropped.file()));
            }
        }
    }

    /** A staged copy of a version that never served goes, unless history or a loaded version uses it. */
    private void deleteUnlessKept(BundleRecord record, Path staged) {
        String file = staged.getFileName().toString();
        boolean kept = record.history.stream().anyMatch(entry -> entry.file().equals(file))
                || loadedFiles(record).contains(file);
        if (!kept) {
            delete(staged);
        }
    }

    private Set<String> loadedFiles(BundleRecord record) {
        Set<String> files = new HashSet<>();
        for (BundleGeneration generation : new BundleGeneration[] {active(record), record.standby}) {
            if (generation != null) {
                files.add(generation.descriptor().staged().getFileName().toString());
            }
        }
        return files;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete {} from history: {}", file, e.toString());
        }
    }

    private static String versions(List<HistoryEntry> history) {
        return history.stream().map(HistoryEntry::version).toList().toString();
    }

    /** Records what serves for the next start (under the record's lock), then writes state.json. */
    private void persist(BundleRecord record) {
        BundleGeneration active = active(record);
        record.saved = active == null ? null : new SavedState.SavedBundle(record.jar.getFileName().toString(),
                record.jarSha256, active.descriptor().sha256(), record.rolledBack, record.history);
        saveState();
    }

    private void saveState() {
        synchronized (stateLock) {
            Map<String, SavedState.SavedBundle> bundles = new TreeMap<>();
            records.forEach((name, record) -> {
                SavedState.SavedBundle saved = record.saved;
                if (saved != null) {
                    bundles.put(name, saved);
                }
            });
            try {
                stateFile.save(new SavedState(SavedState.FORMAT, bundles));
            } catch (IOException e) {
                log.warn("cannot write {}: {}; a restart may not serve the same versions", stateFile.path(), e.toString());
            }
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Stops probation, unloads the standby versions, and waits briefly for drains in progress.
     * The active versions are left to the caller.
     */
    @Override
    public void close() {
        probation.close();
        for (BundleRecord record : records.values()) {
            synchronized (record) {
                endProbation(record);
                BundleGeneration standby = record.standby;
                record.standby = null;
                if (standby != null) {
                    standby.startDraining();
                    loader.unload(standby, Duration.ZERO);
                }
            }
        }
        drainer.shutdown();
        try {
            if (!drainer.awaitTermination(settings.drainTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                drainer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drainer.shutdownNow();
        }
    }
}
