package io.swivel.server.internal.deploy;

import java.nio.file.Path;

/** What the admin API asks of deployment for canaries: start one beside the version serving, and act on it. */
public interface Canaries {

    /**
     * Starts a canary of a bundle that serves here from a jar on this machine: the jar is
     * checked (it must hold the same bundle, with other content), copied over the bundle's jar
     * in the deploy directory (written beside it as a dot-file, which the watcher ignores, then
     * renamed over it), and started beside the version serving, which keeps serving the rest.
     * The watcher then finds content it has handled already. An upload route can hand the file
     * it received here the same way.
     *
     * @param bundle the bundle
     * @param source the canary's jar
     * @param plan how it widens
     * @return what happened, in one line
     * @throws CanaryException if nothing changed, and why
     */
    String canary(String bundle, Path source, CanaryPlan plan) throws CanaryException;

    /**
     * Acts on a bundle's canary: promote, abort, pause or resume it.
     *
     * @param bundle the bundle
     * @param action what to do
     * @param by who asks
     * @return what happened, in one line
     * @throws CanaryException if nothing changed, and why
     */
    String canaryAction(String bundle, Action action, String by) throws CanaryException;

    /** What {@link #canaryAction} can do. */
    enum Action {
        /** The canary serves every call now. */
        PROMOTE,
        /** Every call goes back to the stable version now. */
        ABORT,
        /** The weight holds; no analysis runs. */
        PAUSE,
        /** Analyses run again, the next one step length from now. */
        RESUME
    }
}
