package io.swivel.server.internal.deploy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What the admin API asks of deployment for shadows: start, stop, promote and report on one. */
public interface Shadows {

    /**
     * Stages a version from a jar on this machine as the shadow of a bundle that serves: loaded
     * and started beside the version serving, routed to no caller, given copies of
     * {@code percent}% of the live calls to {@code @Idempotent} methods on its own executor, its
     * answers compared with the live ones. The bundle's jar in the deploy directory is not
     * touched. A shadow started before for the bundle stops.
     *
     * @param bundle the bundle
     * @param source the shadow's jar
     * @param percent the share of idempotent calls copied, 1 to 100
     * @param threads the shadow's threads, 1 to 64
     * @param queue the copies that may wait for a thread, 1 to 100,000; more are dropped and counted
     * @return what happened, in one line
     * @throws ShadowException if nothing changed, and why
     */
    String shadow(String bundle, Path source, int percent, int threads, int queue) throws ShadowException;

    /**
     * Stops a bundle's shadow: no more copies, its version drains and unloads.
     *
     * @param bundle the bundle
     * @return what happened, with the final counts, in one line
     * @throws ShadowException if there is no shadow
     */
    String shadowStop(String bundle) throws ShadowException;

    /**
     * Promotes a bundle's shadow: its jar starts as a canary with {@code plan} (as
     * {@link Canaries#canary} does: it is copied over the bundle's jar), then the shadow stops; with
     * {@code toActive}, the canary is promoted at once and serves every call.
     *
     * @param bundle the bundle
     * @param toActive true to make it serve every call, false to start it as a canary
     * @param plan how the canary widens
     * @param by who asks
     * @return what happened, in one line
     * @throws ShadowException if there is no shadow or the canary did not start; the shadow keeps running then
     */
    String shadowPromote(String bundle, boolean toActive, CanaryPlan plan, String by) throws ShadowException;

    /**
     * What a bundle's shadow came to: counts and the last mismatches.
     *
     * @param bundle the bundle
     * @return the report, as the admin API shows it
     * @throws ShadowException if there is no shadow
     */
    Map<String, Object> shadowReport(String bundle) throws ShadowException;

    /**
     * A bundle's shadow, as {@code GET /v1/bundles/{name}} shows it.
     *
     * @param bundle the bundle
     * @return the report, or empty without a shadow
     */
    Optional<Map<String, Object>> shadowView(String bundle);
}
