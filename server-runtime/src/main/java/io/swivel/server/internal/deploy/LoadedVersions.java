package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The versions of one bundle that are loaded, by role: the one serving, and the standby kept
 * started during its successor's probation (a weighted second active version and a shadow are
 * the next roles, and belong here). Switching between them, probation and retiring are done
 * here; the {@link BundleLifecycle} that owns this object calls it under its monitor, which
 * guards every change (the fields are volatile for status reads).
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

    LoadedVersions(String name, Object lock, Host host, Retirer retirer, Probation probation,
                   LifecycleListener listener) {
        this.name = name;
        this.lock = lock;
        this.host = host;
        this.retirer = retirer;
        this.probation = probation;
        this.listener = listener;
    }

    BundleGeneration active() {
        return active;
    }

    BundleGeneration standby() {
        return standby;
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
     * resolving at once and it drains and unloads; the standby unloads.
     */
    void undeploy(java.nio.file.Path deleted) {
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
    }

    /**
     * Shutdown, first step: no more probation, and the versions loaded stop taking calls (the one
     * serving stays routed, so its callers are answered {@code RELOADING} and retry elsewhere).
     *
     * @return the versions to drain and unload
     */
    List<BundleGeneration> stopServing() {
        endProbation();
        List<BundleGeneration> loaded = new ArrayList<>();
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

    /** The history file names of the versions loaded, which pruning must keep. */
    Set<String> files() {
        Set<String> files = new HashSet<>();
        for (BundleGeneration generation : new BundleGeneration[] {active, standby}) {
            if (generation != null) {
                files.add(generation.descriptor().staged().getFileName().toString());
            }
        }
        return files;
    }
}
