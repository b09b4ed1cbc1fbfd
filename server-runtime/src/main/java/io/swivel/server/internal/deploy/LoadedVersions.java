package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;
import io.swivel.server.internal.bundle.CallWindow;
import io.swivel.server.internal.dispatch.CanarySplit;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The versions of one bundle that are loaded, by role: the one serving (the stable version), the
 * standby kept started during its successor's probation, and the canary, a second active version
 * taking the share of calls its {@link Rollout} gives it. Switching between them, probation and
 * retiring are done here; the {@link BundleLifecycle} that owns this object calls it under its
 * monitor, which guards every change (the fields are volatile for status reads).
 *
 * <p>A role is a field, its routing one call to the {@link Host} (a {@link CanarySplit} in the
 * directory for the canary, a {@link ShadowMirror} for the shadow), and each version that takes
 * calls is listed by {@link #loaded()}, which undeploy and history pruning go through. The
 * shadow (copies of calls, no caller) is the fourth role, kept by its {@link ShadowRole}: a swap,
 * a rollback or a canary leave it running beside whatever serves; undeploy and shutdown end it.
 */
final class LoadedVersions {

    private final String name;
    private final Object lock;
    private final Host host;
    private final Retirer retirer;
    private final Probation probation;
    private final LifecycleListener listener;
    private volatile BundleGeneration active;
    private volatile BundleGeneration standby;
    private volatile Probation.Watch watch;
    private volatile BundleGeneration canary;
    private volatile Rollout rollout;
    private final ShadowRole shadow;

    LoadedVersions(String name, Object lock, Host host, Retirer retirer, Probation probation,
                   LifecycleListener listener) {
        this.name = name;
        this.lock = lock;
        this.host = host;
        this.retirer = retirer;
        this.probation = probation;
        this.listener = listener;
        this.shadow = new ShadowRole(name, host, retirer, listener);
    }

    /** @return the shadow role: the shadow beside the version serving, if any */
    ShadowRole shadow() {
        return shadow;
    }

    BundleGeneration active() {
        return active;
    }

    BundleGeneration standby() {
        return standby;
    }

    /** @return the canary beside the version serving, or null */
    BundleGeneration canary() {
        return canary;
    }

    /** @return the canary's plan and progress, or null without a canary */
    Rollout rollout() {
        return rollout;
    }

    /** @return every version loaded, by role: active, standby, canary (nulls left out) */
    List<BundleGeneration> loaded() {
        List<BundleGeneration> loaded = new ArrayList<>(3);
        for (BundleGeneration generation : new BundleGeneration[] {active, standby, canary}) {
            if (generation != null) {
                loaded.add(generation);
            }
        }
        return loaded;
    }

    Instant probationEndsAt() {
        Probation.Watch current = watch;
        return current != null ? current.endsAt() : null;
    }

    /** Whether {@code generation} is on probation now. */
    boolean onProbation(BundleGeneration generation) {
        Probation.Watch current = watch;
        return current != null && current.generation() == generation;
    }

    /**
     * Makes {@code next} serve. The version it replaces becomes the standby for {@code next}'s
     * probation (when {@code outcome} is given and probation is on), or drains and unloads; an
     * earlier standby unloads. {@code next} is a version just loaded, or the standby.
     *
     * @return the version replaced, or null if nothing served
     * @throws ServiceConflictException if the directory refused it; nothing changed then
     */
    BundleGeneration switchTo(BundleGeneration next, Probation.Outcome outcome, long startNanos)
            throws ServiceConflictException {
        if (canary != null && canary != next) {
            // a swap, a rollback to another version or a configuration restart replaces both versions
            endCanary(name + " canary " + canary.version() + " ended: " + next.version() + " serves every call");
        }
        BundleGeneration oldStandby = standby;
        boolean fromStandby = next == oldStandby;
        if (fromStandby) {
            next.reactivate();
        } else {
            next.activate();
        }
        BundleGeneration previous;
        try {
            previous = host.activate(next);
        } catch (ServiceConflictException e) {
            if (fromStandby) {
                next.startDraining();
                next.standBy();
            }
            throw e;
        }
        active = next;
        listener.swapped(previous, next, System.nanoTime() - startNanos);
        endProbation();
        standby = null;
        if (oldStandby != null && !fromStandby) {
            retirer.retire(oldStandby, null);
        }
        return replaced(previous, next, outcome, startNanos);
    }

    /** The version that served before {@code next}: standby for {@code next}'s probation, or retired. */
    private BundleGeneration replaced(BundleGeneration previous, BundleGeneration next, Probation.Outcome outcome,
                                      long startNanos) {
        if (previous == null) {
            return null;
        }
        previous.startDraining();
        String summary = previous.name() + " " + previous.version() + " → " + next.version() + " active in "
                + LifecycleListener.millis(System.nanoTime() - startNanos) + " ms";
        if (outcome != null && probation.policy().enabled()) {
            standby = previous;
            watch = probation.start(next, outcome);
            retirer.drainToStandby(previous, summary, probation.policy().window(), () -> standingBy(previous));
        } else {
            retirer.retire(previous, summary);
        }
        return previous;
    }

    /**
     * Starts {@code next} as a canary beside the version serving, at the rollout's first weight;
     * both versions count their calls in windows of their own from now. A standby or an earlier
     * canary goes first.
     *
     * @throws IllegalStateException if nothing serves
     */
    void startCanary(BundleGeneration next, Rollout plan) {
        BundleGeneration stable = active;
        if (stable == null) {
            throw new IllegalStateException(name + " serves nothing: a canary needs a stable version");
        }
        if (canary != null) {
            endCanary(name + " canary " + canary.version() + " replaced by " + next.version());
        }
        endProbation(); // the version serving passed enough: a canary measures it against the next one
        releaseStandby();
        next.activate();
        stable.compareIn(new CallWindow());
        next.compareIn(new CallWindow());
        canary = next;
        rollout = plan;
        host.split(name, new CanarySplit(next, plan.weight(), plan.plan().sticky()));
    }

    /** The canary takes its rollout's weight now; both windows start again. */
    void widen() {
        BundleGeneration current = canary;
        Rollout plan = rollout;
        if (current == null || plan == null) {
            return;
        }
        restartWindows();
        host.split(name, new CanarySplit(current, plan.weight(), plan.plan().sticky()));
    }

    /** Both versions' windows start again (a new step, or a resume). */
    void restartWindows() {
        for (BundleGeneration generation : new BundleGeneration[] {active, canary}) {
            CallWindow window = generation != null ? generation.window() : null;
            if (window != null) {
                window.restart();
            }
        }
    }

    /**
     * The canary becomes the version serving: the stable version drains and stands by for its
     * probation, as after a swap.
     *
     * @return the version it replaced
     * @throws ServiceConflictException if the directory refused it; the canary keeps its weight then
     */
    BundleGeneration promote(Probation.Outcome outcome, long startNanos) throws ServiceConflictException {
        BundleGeneration next = canary;
        if (next == null) {
            throw new IllegalStateException(name + " has no canary to promote");
        }
        BundleGeneration previous = host.activate(next);
        canary = null;
        rollout = null;
        next.compareIn(null);
        if (previous != null) {
            previous.compareIn(null);
        }
        active = next;
        listener.swapped(previous, next, System.nanoTime() - startNanos);
        return replaced(previous, next, outcome, startNanos);
    }

    /**
     * Every call goes to the stable version again at once; the canary drains and unloads.
     *
     * @param summary the line the retirement logs
     * @return the canary, or null if there was none
     */
    BundleGeneration endCanary(String summary) {
        BundleGeneration ended = canary;
        if (ended == null) {
            return null;
        }
        host.split(name, null);
        canary = null;
        rollout = null;
        ended.compareIn(null);
        BundleGeneration stable = active;
        if (stable != null) {
            stable.compareIn(null);
        }
        if (ended.state() == BundleState.ACTIVE) {
            ended.startDraining();
        }
        retirer.retire(ended, summary);
        return ended;
    }

    /** A replaced version finished draining: it stands by, unless it was released or reactivated meanwhile. */
    private void standingBy(BundleGeneration previous) {
        synchronized (lock) {
            if (standby == previous && previous.state() == BundleState.DRAINING) {
                previous.standBy();
            }
        }
    }

    /** A version that already serves (restored after a restart, switched in by the caller). */
    void serving(BundleGeneration generation) {
        active = generation;
    }

    /** Probation passed: the standby goes. Returns it, or null if there was none. */
    BundleGeneration releaseStandby() {
        watch = null;
        BundleGeneration kept = standby;
        standby = null;
        if (kept != null) {
            retirer.retire(kept, null);
        }
        return kept;
    }

    void endProbation() {
        Probation.Watch current = watch;
        watch = null;
        if (current != null) {
            current.cancel();
        }
    }

    /**
     * The bundle's jar was deleted: if the version serving came from it, its services stop
     * resolving at once and it drains and unloads; the standby unloads; the shadow stops
     * taking copies.
     *
     * @return the shadow, taken out, for the caller to {@linkplain ShadowRole#end end} without the monitor; or null
     */
    ShadowMirror undeploy(java.nio.file.Path deleted) {
        ShadowMirror ended = shadow.take();
        endCanary(null);
        BundleGeneration serving = active;
        if (serving != null && serving.descriptor().source().equals(deleted)) {
            host.remove(name);
            active = null;
            serving.startDraining();
            retirer.retire(serving, serving.name() + " " + serving.version() + " undeployed");
        }
        endProbation();
        BundleGeneration kept = standby;
        standby = null;
        if (kept != null) {
            retirer.retire(kept, null);
        }
        return ended;
    }

    /**
     * Shutdown, first step: no more probation, the shadow takes no more copies, and the versions
     * loaded stop taking calls (the one serving stays routed, so its callers are answered
     * {@code RELOADING} and retry elsewhere).
     *
     * @return the versions to drain and unload
     */
    List<BundleGeneration> stopServing() {
        endProbation();
        List<BundleGeneration> loaded = new ArrayList<>();
        BundleGeneration copying = shadow.stopServing();
        if (copying != null) {
            loaded.add(copying);
        }
        BundleGeneration trial = canary;
        canary = null;
        rollout = null;
        if (trial != null) {
            if (trial.state() == BundleState.ACTIVE) {
                trial.startDraining(); // stays in the split: its callers are answered RELOADING and retry
            }
            loaded.add(trial);
        }
        BundleGeneration serving = active;
        if (serving != null) {
            if (serving.state() == BundleState.ACTIVE) {
                serving.startDraining();
            }
            loaded.add(serving);
        }
        BundleGeneration kept = standby;
        standby = null;
        if (kept != null) {
            loaded.add(kept);
        }
        return loaded;
    }

    /** Shutdown, last step: nothing of the bundle is routed any more. */
    void removeFromDirectory() {
        if (active != null) {
            host.remove(name);
            active = null;
        }
    }

    /** The history file names of the versions loaded (the shadow's too), which pruning must keep. */
    Set<String> files() {
        Set<String> files = new HashSet<>();
        for (BundleGeneration generation : loaded()) {
            files.add(generation.descriptor().staged().getFileName().toString());
        }
        ShadowMirror copying = shadow.mirror();
        if (copying != null) {
            files.add(copying.shadow().descriptor().staged().getFileName().toString());
        }
        return files;
    }
}
