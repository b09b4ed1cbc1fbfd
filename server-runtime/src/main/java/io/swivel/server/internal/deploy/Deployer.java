package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import io.swivel.server.internal.logging.BundleMdc;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deploys, replaces, rolls back and undeploys bundles: the commands, and the locks they take.
 * Each bundle's life is one {@link BundleLifecycle}; this class finds it, serializes the work
 * on one jar, and hands the lifecycle the staged jar. A new version is loaded and started while
 * the old one keeps serving, then switched in with one write; the replaced version drains and
 * stays standby while the new one is on probation. Any failure before the switch leaves the
 * serving version untouched and writes {@code .failed}, naming what serves instead.
 *
 * <p>Every version that served is kept in {@code <data-dir>/history/<bundle>/} (the last few),
 * and {@code <data-dir>/state.json} records what serves, so a restart serves the same
 * versions, including a rollback: a rolled-back jar is not deployed again until its content
 * changes.
 *
 * <p>Lock order: the per-jar lock, then the bundle's lifecycle, then the state journal. Work on
 * one jar is serialized, and so is work on one bundle; different bundles proceed independently.
 */
public final class Deployer implements DeploymentOperations, Deployments, Canaries, Shadows, Closeable {


    /** Who rolled back, for an automatic rollback in probation. */
    public static final String BY_PROBATION = BundleLifecycle.BY_PROBATION;

    private final BundleLoader loader;
    private final Host host;
    private final DeploySettings settings;
    private final Clock clock;
    private final Probation probation;
    private final Retirer retirer;
    private final LifecycleListener listener;
    private final StateJournal journal;
    private final CanaryTimer canaryTimer;
    private final CanaryCommands canaryCommands;
    private final ShadowCommands shadowCommands;
    private final EventLog events;
    private final JarCommands jarCommands;
    private final Map<String, BundleLifecycle> lifecycles = new ConcurrentHashMap<>();
    private final SeriesEvents seriesEvents;
    private final DeployerShutdown shutdown;

    /**
     * Creates a deployer whose timestamps (history, rollbacks, errors) and probation windows follow a clock.
     *
     * @param loader loads bundle jars
     * @param directory where bundles serve
     * @param deployDir the deploy directory
     * @param dataDir the data directory ({@code history/}, {@code state.json})
     * @param settings how deployments behave
     * @param metrics counts deployments, rollbacks, swaps and drains
     * @param clock when a probation ends, and the times recorded
     */
    public Deployer(BundleLoader loader, ServiceDirectory directory, Path deployDir, Path dataDir, DeploySettings settings,
                    ServerMetrics metrics, Clock clock) {
        this(loader, new DirectoryHost(loader, directory, dataDir.resolve("history")), deployDir, dataDir, settings,
                metrics, clock);
    }

    /** @param unannounced the host every load goes through, wrapped here so that each load is told (never used bare) */
    Deployer(BundleLoader loader, Host unannounced, Path deployDir, Path dataDir, DeploySettings settings,
             ServerMetrics metrics, Clock clock) {
        this.loader = loader;
        this.settings = settings;
        this.clock = clock;
        this.journal = new StateJournal(dataDir);
        this.seriesEvents = new SeriesEvents(clock);
        this.events = new EventLog(clock, settings.eventLogSize());
        this.listener = Listeners.of(List.of(new MarkerWriter(), journal, new MetricsRecorder(metrics), new DeployLog(),
                events, seriesEvents));
        this.host = new AnnouncingHost(unannounced, listener);
        this.probation = new Probation(new Probation.Policy(settings.probation(), settings.maxErrorRate(),
                settings.minCalls(), settings.healthTimeout()), clock);
        this.retirer = new Retirer(loader::unload, settings.drainTimeout(), listener);
        this.canaryTimer = new CanaryTimer(clock, lifecycles::values);
        this.shadowCommands = new ShadowCommands(lifecycles, loader, host, retirer, metrics, clock, this::servingNames,
                listener, dataDir.resolve("history"));
        this.jarCommands = new JarCommands(loader, lifecycles, this::lifecycle, listener, shadowCommands);
        this.canaryCommands = new CanaryCommands(lifecycles, jarCommands::jarLock, loader, jarCommands.handled(), listener,
                this::servingNames);
        this.shutdown = new DeployerShutdown(probation, canaryTimer, retirer, lifecycles, shadowCommands);
        journal.load().bundles().forEach((name, bundle) -> {
            lifecycle(name).restore(deployDir.resolve(bundle.jar()), bundle.jarSha256(), bundle.activeSha256(),
                    bundle.rolledBack(), bundle.history(), bundle.canary());
            if (bundle.shadow() != null) {
                shadowCommands.remember(name, bundle.shadow());
            }
        });
    }

    /** @return what happened lately, newest last: {@code GET /v1/events} */
    public EventLog events() {
        return events;
    }

    private BundleLifecycle lifecycle(String name) {
        return lifecycles.computeIfAbsent(name, n -> new BundleLifecycle(n, host, retirer, probation, listener, clock,
                settings.historyLimit(), settings.canary()));
    }

    /**
     * Deploys a complete jar: a new bundle, or the next version of the bundle it holds. Does
     * nothing if the jar's content was handled already. After a restart, a jar whose content
     * was rolled back serves the version it was rolled back to, from history.
     *
     * @param jar the jar in the deploy directory
     * @return true if a new version serves now
     */
    @Override
    public boolean deploy(Path jar) {
        return jarCommands.deploy(jar);
    }

    /**
     * Undeploys the bundle of a jar that was deleted: its services stop resolving at once, its
     * running calls drain, then it unloads, and its standby with it. Its markers are removed.
     *
     * @param jar the deleted jar
     */
    @Override
    public void undeploy(Path jar) {
        jarCommands.undeploy(jar);
    }

    @Override
    public Optional<String> undeploy(String bundle) {
        return jarCommands.undeploy(bundle);
    }

    /** Rolls back to the standby (one switch) or to a version in history; see {@link Deployments#rollback}. */
    @Override
    public String rollback(String bundle, String toVersion, String by, String reason) throws RollbackException {
        BundleLifecycle lifecycle = lifecycles.get(bundle);
        BundleGeneration active = lifecycle != null ? lifecycle.active() : null;
        if (active == null) {
            throw new RollbackException(RollbackException.Reason.UNKNOWN_BUNDLE, "no bundle " + bundle
                    + " serves here; bundles: " + servingNames(), null);
        }
        try (BundleMdc.Scope mdc = BundleMdc.open(active.name(), active.version())) {
            return lifecycle.rollback(toVersion, by, reason);
        } catch (RollbackException e) {
            if (e.reason() == RollbackException.Reason.UNKNOWN_BUNDLE) {
                throw new RollbackException(e.reason(), e.getMessage() + "; bundles: " + servingNames(), null);
            }
            throw e;
        }
    }

    /**
     * Delivers an edited {@code <bundle>.properties} to the version serving: in place, through
     * its configuration listeners; or, for a bundle without listeners, by starting the same
     * version again with the new configuration and swapping it in.
     *
     * @param bundle the bundle name
     */
    @Override
    public void configChanged(String bundle) {
        BundleLifecycle lifecycle = lifecycles.get(bundle);
        BundleGeneration active = lifecycle != null ? lifecycle.active() : null;
        if (active == null) {
            return; // no such bundle: its configuration is read when it deploys
        }
        try (BundleMdc.Scope mdc = BundleMdc.open(active.name(), active.version())) {
            lifecycle.configChanged();
        }
    }

    @Override
    public String canary(String bundle, Path source, CanaryPlan plan) throws CanaryException {
        return canaryCommands.start(bundle, source, plan);
    }

    @Override
    public String canaryAction(String bundle, Canaries.Action action, String by) throws CanaryException {
        return canaryCommands.act(bundle, action, by);
    }

    @Override
    public String shadow(String bundle, Path source, int percent, int threads, int queue) throws ShadowException {
        ShadowCommands.Settings settings;
        try {
            settings = new ShadowCommands.Settings(percent, threads, queue);
        } catch (IllegalArgumentException e) {
            throw new ShadowException(ShadowException.Reason.BAD_REQUEST, e.getMessage(), e);
        }
        return shadowCommands.start(bundle, source, settings);
    }

    @Override
    public String shadowStop(String bundle) throws ShadowException {
        return shadowCommands.stop(bundle, false);
    }

    @Override
    public String shadowPromote(String bundle, boolean toActive, CanaryPlan plan, String by) throws ShadowException {
        Path staged = shadowCommands.stagedJar(bundle);
        String started;
        try {
            started = canaryCommands.start(bundle, staged, plan);
        } catch (CanaryException e) {
            throw new ShadowException(e.reason() == CanaryException.Reason.BAD_JAR ? ShadowException.Reason.BAD_REQUEST
                    : ShadowException.Reason.START_FAILED, bundle + " shadow was not promoted: " + e.getMessage(), e);
        }
        String stopped = shadowCommands.stop(bundle, true);
        if (!toActive) {
            return started + "; " + stopped;
        }
        try {
            return canaryCommands.act(bundle, Canaries.Action.PROMOTE, by) + "; " + stopped;
        } catch (CanaryException e) {
            throw new ShadowException(ShadowException.Reason.START_FAILED, bundle + " shadow started as a canary ("
                    + started + ") but was not promoted: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> shadowReport(String bundle) throws ShadowException {
        return shadowCommands.report(bundle);
    }

    @Override
    public Optional<Map<String, Object>> shadowView(String bundle) {
        return shadowCommands.shadow(bundle).map(ShadowCommands::view);
    }

    @Override
    public void pending(Path jar, long size) {
        listener.pending(jar, size);
    }

    @Override
    public void stalled(Path jar, String error) {
        jarCommands.stalled(jar, error);
    }

    /**
     * Called once the jars present at start have been deployed: bundles that state.json
     * remembers but whose jar is gone are forgotten, and the shadows it names start again.
     */
    public void startupDone() {
        for (BundleLifecycle lifecycle : List.copyOf(lifecycles.values())) {
            if (lifecycle.forgetIfGone()) {
                lifecycles.remove(lifecycle.name(), lifecycle);
            }
        }
        journal.save();
        shadowCommands.restoreSaved();
    }

    /**
     * What every bundle looks like now: those serving, on standby, or failed. Never waits for
     * a deployment in progress.
     *
     * @return the bundles, sorted by name
     */
    @Override
    public List<BundleView> status() {
        return StatusQuery.of(lifecycles.values());
    }

    @Override
    public Optional<BundleView> status(String bundle) {
        return status().stream().filter(view -> view.name().equals(bundle)).findFirst();
    }

    @Override
    public Optional<Map<String, Object>> series(String bundle) {
        BundleLifecycle lifecycle = lifecycles.get(bundle);
        BundleGeneration active = lifecycle == null ? null : lifecycle.active();
        return active == null ? Optional.empty()
                : Optional.of(seriesEvents.chart(bundle, active, lifecycle.canary(), lifecycle.standby()));
    }

    @Override
    public List<String> servingNames() {
        return lifecycles.values().stream().filter(lifecycle -> lifecycle.active() != null)
                .map(BundleLifecycle::name).sorted().toList();
    }

    /**
     * Shutdown, first step: probation stops, every version loaded stops taking calls and its
     * running calls finish, within one drain timeout in all; those still running then are
     * answered {@code RELOADING}. The versions stay routed (callers are told to retry elsewhere)
     * until {@link #close()}.
     *
     * @return the calls that were running when the drain began
     */
    public synchronized int drainForShutdown() {
        return shutdown.drain();
    }

    /**
     * Unloads every version (draining first if {@link #drainForShutdown()} did not run) and
     * waits briefly for drains in progress. Idempotent.
     */
    @Override
    public synchronized void close() {
        shutdown.close();
    }
}
