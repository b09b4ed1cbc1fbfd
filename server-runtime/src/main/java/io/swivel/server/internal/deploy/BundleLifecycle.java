package io.swivel.server.internal.deploy;

import io.swivel.server.config.CanaryPolicy;
import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The life of one bundle: the versions it has loaded ({@link LoadedVersions}: the one serving,
 * the standby kept during its successor's probation, the canary, a second active version, and
 * the shadow, which takes copies of calls and serves no caller), its history, its probation, and
 * what its jar holds. Every change happens here, under this object's monitor, so deploy, rollback, probation, configuration and undeploy of one
 * bundle never interleave; different bundles proceed independently. What happened is told to
 * the {@link LifecycleListener}; draining and unloading go through the {@link Retirer}.
 *
 * <p>Lock order: the deployer's per-jar lock, then this monitor, then a listener's own lock
 * (the state journal's). Probation outcomes and drains reach this monitor from their own threads
 * and hold no other lock.
 */
final class BundleLifecycle implements CanaryControl.Bundle {

    /** Who rolls back automatically, for the marker and the status. */
    static final String BY_PROBATION = "probation (automatic)";
    /** Who rolls a canary back, or promotes it, at an analysis. */
    static final String BY_ANALYSIS = "canary analysis (automatic)";

    private final String name;
    private final LoadedVersions versions;
    private final Host host;
    private final Retirer retirer;
    private final LifecycleListener listener;
    private final ConfigReload configReload;
    private final Clock clock;
    private final int historyLimit;
    private final CanaryControl canary;
    /** The deployments that restore nothing of a restart: a canary with a plan, else an ordinary swap. */
    private final Swap swap;
    /** Set once, in the constructor, after the canary control it needs (which needs the probation outcomes). */
    private Rollbacks rollbacks;
    /** Told how a probation of this bundle's versions ended. */
    private final Probation.Outcome onProbation;

    // Written under the monitor; volatile so that status reads never wait for a deployment.
    private volatile Path jar;
    private volatile BundleFacts.JarContent jarHolds;
    /** The content active before a restart, until it is restored; null once restored or replaced. */
    private volatile String savedActiveSha256;
    private volatile Rollback rolledBack;
    private volatile History history = History.empty();
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    /** The canary running before a restart, until it is started again; null once restarted or replaced. */
    private volatile SavedState.SavedCanary savedCanary;

    BundleLifecycle(String name, Host host, Retirer retirer, Probation probation, LifecycleListener listener,
                    Clock clock, int historyLimit) {
        this(name, host, retirer, probation, listener, clock, historyLimit, CanaryPolicy.defaults());
    }

    BundleLifecycle(String name, Host host, Retirer retirer, Probation probation, LifecycleListener listener,
                    Clock clock, int historyLimit, CanaryPolicy canaryPolicy) {
        this.name = name;
        this.versions = new LoadedVersions(name, this, host, retirer, probation, listener);
        this.host = host;
        this.retirer = retirer;
        this.listener = listener;
        this.clock = clock;
        this.historyLimit = historyLimit;
        // Lambdas, not method references: the outcomes reach rollbacks, made after the canary control.
        this.onProbation = Probation.Outcome.of((generation, reason) -> rollbacks.probationFailed(generation, reason),
                generation -> rollbacks.probationPassed(generation));
        this.canary = new CanaryControl(name, versions, host, retirer, listener, clock, canaryPolicy, onProbation, this);
        this.rollbacks = new Rollbacks(name, this, versions, canary, host, retirer, listener, clock);
        this.configReload = new ConfigReload(host, versions, listener, onProbation, this);
        this.swap = new Swap(versions, canary, host, this, onProbation, retirer, listener);
    }

    /** Takes what {@code state.json} remembers, before anything of the bundle loads. */
    synchronized void restore(Path savedJar, String jarSha256, String activeSha256, Rollback savedRollback,
                              List<HistoryEntry> savedHistory, SavedState.SavedCanary canary) {
        savedCanary = canary;
        jar = savedJar;
        jarHolds = new BundleFacts.JarContent(null, jarSha256, null);
        savedActiveSha256 = activeSha256;
        rolledBack = savedRollback;
        history = History.of(savedHistory);
    }

    // ---- reads (never wait for the monitor) ----------------------------------------------

    String name() {
        return name;
    }

    Path jar() {
        return jar;
    }

    BundleFacts.JarContent jarHolds() {
        return jarHolds;
    }

    BundleGeneration active() {
        return versions.active();
    }

    BundleGeneration standby() {
        return versions.standby();
    }

    Instant probationEndsAt() {
        return versions.probationEndsAt();
    }

    BundleGeneration canary() {
        return versions.canary();
    }

    Rollout rollout() {
        return versions.rollout();
    }

    /** @return the shadow beside the version serving, or null */
    ShadowMirror shadow() {
        return versions.shadow().mirror();
    }

    Rollback rolledBack() {
        return rolledBack;
    }

    @Override
    public void rolledBack(Rollback rollback) {
        rolledBack = rollback;
    }

    History history() {
        return history;
    }

    String lastError() {
        return lastError;
    }

    Instant lastErrorAt() {
        return lastErrorAt;
    }

    // ---- deploy ----------------------------------------------------------------------------

    /**
     * Deploys a staged jar: the bundle's first version, or its next one; or, with a plan and a
     * version serving, starts it as a canary beside that version. After a restart, a jar whose
     * content was rolled back serves the version it was rolled back to, from history; in the
     * middle of a canary, the version that was stable serves again from history and the canary
     * starts again at the step it had reached.
     *
     * @param plan how the canary widens, or null for an ordinary swap
     * @return true if the new version serves now (all calls, or a canary's share)
     */
    synchronized boolean deploy(Path from, BundleDescriptor descriptor, CanaryPlan plan, long startNanos) {
        if (restoreRollback(from, descriptor)) {
            return true;
        }
        Rollout resumed = canary.restore(savedCanary, from, descriptor, jar, savedActiveSha256, history);
        if (resumed != null) {
            savedCanary = null;
            return canary.start(from, descriptor, resumed, startNanos);
        }
        return swap.deploy(from, descriptor, plan, startNanos);
    }

    /** The jar's content serves now (all calls, or a canary's share); the history remembers it already. */
    @Override
    public void served(Path from, BundleDescriptor descriptor) {
        jar = from;
        jarHolds = new BundleFacts.JarContent(descriptor.version(), descriptor.sha256(), null);
        rolledBack = null;
        savedActiveSha256 = null;
        savedCanary = null;
        prune();
    }

    @Override
    public void remember(BundleDescriptor descriptor) {
        history = history.remember(new HistoryEntry(descriptor.version(), descriptor.sha256(),
                descriptor.staged().getFileName().toString(), clock.instant()));
    }

    /** Takes back a {@link #remember} whose version never served: the history is {@code before} again. */
    void forget(History before) {
        history = before;
    }

    /** A jar that did not deploy: the version serving keeps serving; the jar's marker says why. */
    @Override
    public synchronized void failed(Path from, DeploymentException error, BundleDescriptor staged) {
        BundleGeneration active = versions.active();
        if (active == null) {
            jar = from;
        }
        if (from.equals(jar)) {
            jarHolds = staged != null
                    ? new BundleFacts.JarContent(staged.version(), staged.sha256(), error.getMessage())
                    : new BundleFacts.JarContent(null, null, error.getMessage());
        }
        String jarName = from.getFileName().toString();
        String message = error.getMessage();
        error(message.startsWith(jarName) ? message : jarName + ": " + message); // most messages name the jar already
        listener.failed(name, staged != null ? staged.version() : null, from, error, active);
        if (staged != null) {
            String file = staged.staged().getFileName().toString();
            if (!history.keeps(file) && !versions.files().contains(file)) {
                host.deleteFromHistory(name, file);
            }
        }
    }

    /** A jar marked {@code Swivel-Rollout: shadow} (see {@link RestartRestore#toShadow}); false if nothing serves to shadow. */
    synchronized boolean holdsShadow(Path from, BundleDescriptor descriptor) {
        if (versions.active() == null) {
            BundleGeneration restored = RestartRestore.toShadow(name, host, retirer, versions, history,
                    from.equals(jar) ? savedActiveSha256 : null, from, descriptor);
            if (restored == null) {
                failed(from, RestartRestore.nothingToShadow(name, from, descriptor), descriptor);
                return false;
            }
            listener.restored(restored, from, descriptor.version(), null);
        }
        jar = from;
        jarHolds = new BundleFacts.JarContent(descriptor.version(), descriptor.sha256(), null);
        savedActiveSha256 = null;
        savedCanary = null;
        listener.servingChanged(facts());
        return true;
    }

    /** After a restart: the jar holds content that was rolled back, so serve what served before. */
    private boolean restoreRollback(Path from, BundleDescriptor descriptor) {
        Rollback rollback = rolledBack;
        BundleGeneration generation = RestartRestore.rolledBack(facts(), savedActiveSha256, from, descriptor, host,
                retirer, versions);
        if (generation == null) {
            return false;
        }
        jarHolds = new BundleFacts.JarContent(descriptor.version(), descriptor.sha256(), null);
        savedActiveSha256 = null;
        listener.restored(generation, from, descriptor.version(), rollback);
        listener.servingChanged(facts());
        return true;
    }

    // ---- canary (CanaryControl does the work, under this monitor) --------------------------

    /** The canary's timer: widens, promotes or rolls back if an analysis is due. */
    synchronized void canaryTick() {
        canary.tick();
    }

    /** Makes the canary serve every call now; the stable version stands by for its probation. */
    synchronized String promoteCanary(String by) throws CanaryException {
        return canary.promote(by);
    }

    /** Sends every call back to the stable version now; the jar is not deployed again until it changes. */
    synchronized String abortCanary(String by, String reason) throws CanaryException {
        return canary.abort(by, reason);
    }

    /** Holds (true) or releases (false) the canary's weight. */
    synchronized String pauseCanary(boolean paused) throws CanaryException {
        return canary.pause(paused);
    }

    // ---- shadow (ShadowCommands stages and starts it; the slow end runs without this monitor) --

    /**
     * Makes {@code mirror} the shadow beside the version serving and tells
     * {@link LifecycleListener#shadowStarted} under this monitor, so an undeploy or a stop (which
     * take the shadow out under it too) can only end it after its start was told; returns the
     * one it replaced, taken out, for {@link #endShadow}, or null.
     *
     * @param message the start's line
     * @throws IllegalStateException if nothing serves, or the host refused it; nothing changed then
     */
    synchronized ShadowMirror startShadow(ShadowMirror mirror, String message) {
        if (versions.active() == null) {
            throw new IllegalStateException("bundle " + name + " serves nothing to shadow");
        }
        ShadowMirror replaced = versions.shadow().start(mirror);
        listener.shadowStarted(mirror, message);
        return replaced;
    }

    /** Takes the shadow out (no more copies); returns it, for {@link #endShadow}, or null. */
    synchronized ShadowMirror takeShadow() {
        return versions.shadow().take();
    }

    /** Ends a shadow taken out: waits for its copies, then it drains and unloads. Never under this monitor. */
    String endShadow(ShadowMirror taken, String why, boolean promoted) {
        return versions.shadow().end(taken, why, promoted);
    }

    // ---- rollback --------------------------------------------------------------------------

    /**
     * Rolls back: to the standby (one switch), or to a version kept in history (loaded and
     * started first, while the current version keeps serving).
     *
     * @param toVersion the version to return to, or null for the standby, else the previous one
     * @param by who asks
     * @param reason why, or null
     * @return what happened, in one line
     * @throws RollbackException if nothing changed, and why
     */
    synchronized String rollback(String toVersion, String by, String reason) throws RollbackException {
        return rollbacks.rollback(toVersion, by, reason);
    }

    // ---- configuration ---------------------------------------------------------------------

    /** Delivers an edited configuration to the version serving (in place, or by a restart and a swap). */
    synchronized void configChanged() {
        configReload.apply();
    }

    // ---- undeploy and shutdown -------------------------------------------------------------

    /**
     * The jar was deleted: the services stop resolving at once, the running calls drain, then
     * the version unloads, and the standby with it. The shadow stops taking copies and is
     * returned, for the caller to {@link #endShadow} once this lifecycle is out of the deployer's
     * map (its wait for the copies runs without this monitor, and a deployment that still found
     * this lifecycle in the map during that wait would serve on one about to be dropped).
     *
     * @param deleted the jar
     * @return the shadow taken out, or null
     */
    synchronized ShadowMirror undeploy(Path deleted) {
        ShadowMirror shadow = versions.undeploy(deleted);
        listener.undeployed(name, deleted);
        return shadow;
    }

    /**
     * Shutdown, first step: no more probation, and the versions loaded stop taking calls (the one
     * serving stays routed, so its callers are answered {@code RELOADING} and retry elsewhere).
     *
     * @return the versions to drain and unload
     */
    synchronized List<BundleGeneration> stopServing() {
        return versions.stopServing();
    }

    /** Shutdown, last step: nothing of the bundle is routed any more. */
    synchronized void removeFromDirectory() {
        versions.removeFromDirectory();
    }

    /** After a restart: the bundle remembered has no jar any more. Returns true if it can be forgotten. */
    synchronized boolean forgetIfGone() {
        if (versions.active() != null) {
            return false;
        }
        savedActiveSha256 = null;
        listener.forgotten(name);
        return lastError == null;
    }

    // ---- bookkeeping -----------------------------------------------------------------------

    private void prune() {
        History.Pruned pruned = history.prune(historyLimit, versions.files());
        history = pruned.kept();
        pruned.filesToDelete().forEach(file -> host.deleteFromHistory(name, file));
    }

    @Override
    public void error(String message) {
        lastError = BoundedText.of(message); // bundles choose messages; the status shows a few KiB at most
        lastErrorAt = clock.instant();
    }

    @Override
    public BundleFacts facts() {
        return new BundleFacts(name, jar, jarHolds, versions.active(), rolledBack, history, versions.canary(),
                versions.rollout());
    }

    @Override
    public String toString() {
        return "BundleLifecycle[" + name + "]";
    }
}
