package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;

/**
 * The shadow role of one bundle's {@link LoadedVersions}: the version loaded and started beside
 * the one serving that takes copies of calls through its {@link ShadowMirror} and serves no
 * caller. {@link #start} and {@link #take} change the role, under the bundle's monitor, and are
 * quick: the routing is one call to the {@link Host}, and a version taken out stops taking
 * copies at once. {@link #end} is slow (it waits up to {@value #STOP_WAIT_MILLIS} ms for the
 * copies still running) and runs after the monitor is released, as a drain does.
 */
final class ShadowRole {

    /** How long ending a shadow waits for the copies running before the version drains. */
    static final long STOP_WAIT_MILLIS = 5_000;

    private final String name;
    private final Host host;
    private final Retirer retirer;
    private final LifecycleListener listener;
    /** Written under the bundle's monitor; volatile for status reads. */
    private volatile ShadowMirror mirror;

    ShadowRole(String name, Host host, Retirer retirer, LifecycleListener listener) {
        this.name = name;
        this.host = host;
        this.retirer = retirer;
        this.listener = listener;
    }

    /** @return the shadow, or null */
    ShadowMirror mirror() {
        return mirror;
    }

    /**
     * Routes copies of the bundle's calls to {@code next}, in one switch from the shadow before.
     *
     * @return the shadow it replaced, taken out (for {@link #end}), or null
     * @throws IllegalStateException if the host refused it; nothing changed then
     */
    ShadowMirror start(ShadowMirror next) {
        host.mirror(name, next);
        ShadowMirror replaced = mirror;
        mirror = next;
        if (replaced != null) {
            replaced.stop();
        }
        return replaced;
    }

    /** Takes the shadow out: no more copies, those waiting dropped. Returns it (for {@link #end}), or null. */
    ShadowMirror take() {
        ShadowMirror taken = mirror;
        if (taken == null) {
            return null;
        }
        mirror = null;
        host.mirror(name, null);
        taken.stop();
        return taken;
    }

    /** Shutdown: the shadow is taken out and starts draining; returns its version (to drain and unload), or null. */
    BundleGeneration stopServing() {
        ShadowMirror taken = take();
        if (taken == null) {
            return null;
        }
        taken.shadow().startDraining();
        return taken.shadow();
    }

    /**
     * Ends a shadow {@linkplain #take taken out}: waits a little for its copies running, then
     * its version drains and unloads. Called without the bundle's monitor.
     *
     * @param why what ended it, for the line
     * @param promoted whether its jar serves as a canary now
     * @return the line saying so, with the final counts
     */
    String end(ShadowMirror taken, String why, boolean promoted) {
        taken.awaitStopped(STOP_WAIT_MILLIS);
        BundleGeneration generation = taken.shadow();
        if (generation.state() == BundleState.ACTIVE) {
            generation.startDraining();
        }
        ShadowReport report = taken.report();
        String message = name + " shadow " + generation.version() + " " + why + " after " + report.copiedCount()
                + " copies: " + report.matchCount() + " matched, " + report.mismatchCount() + " mismatched, "
                + report.errorCount() + " failed, " + report.droppedCount() + " dropped";
        retirer.retire(generation, message);
        listener.shadowEnded(taken, promoted, message);
        return message;
    }
}
