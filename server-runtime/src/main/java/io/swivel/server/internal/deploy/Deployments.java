package io.swivel.server.internal.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the admin API and cluster commands ask of deployment: status, the chart, rollback, undeploy. */
public interface Deployments {

    /** Who rolled back, as {@code .rolledback} and the status show it, for {@code swivel rollback}. */
    String BY_ADMIN = "admin API (swivel rollback)";

    /**
     * What every bundle looks like now: those serving, on standby, or failed.
     *
     * @return the bundles, sorted by name
     */
    List<BundleView> status();

    /**
     * One bundle, as {@link #status()} shows it.
     *
     * @param bundle the bundle name
     * @return the bundle, or empty
     */
    Optional<BundleView> status(String bundle);

    /**
     * The names of the bundles that serve now, for messages.
     *
     * @return sorted names
     */
    List<String> servingNames();

    /**
     * The admin page's chart of one bundle: the last 10 minutes of each loaded version's calls
     * (one point per 5 s) and the swaps, canary steps, rollbacks and shadow starts and ends among them.
     *
     * @param bundle the bundle
     * @return the chart's data, or empty if the bundle does not serve
     */
    Optional<Map<String, Object>> series(String bundle);

    /**
     * Rolls a bundle back to its standby (one switch) or to a version kept in history (loaded
     * and started first, while the current version keeps serving). Without a version, the target
     * is the standby, else the version deployed before the active one. The version rolled back
     * from drains and unloads; the jar is not deployed again until its content changes.
     *
     * @param bundle the bundle name
     * @param toVersion the version to return to, or null for the previous one
     * @param by who asks, for the marker and the log
     * @param reason why, or null
     * @return what happened, in one line
     * @throws RollbackException if nothing changed, and why
     */
    String rollback(String bundle, String toVersion, String by, String reason) throws RollbackException;

    /**
     * Undeploys a bundle: removes its jar from the deploy directory (a copy stays in history),
     * so it stays undeployed after a restart; its services stop resolving at once.
     *
     * @param bundle the bundle name
     * @return what was undeployed, or empty if no such bundle serves
     * @throws UndeployRefusedException if the jar holds a version that did not deploy (deleting it would lose it)
     * @throws java.io.UncheckedIOException if the jar cannot be deleted
     */
    Optional<String> undeploy(String bundle);
}
