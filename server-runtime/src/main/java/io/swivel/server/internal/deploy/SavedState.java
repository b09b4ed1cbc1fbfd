package io.swivel.server.internal.deploy;

import java.util.List;
import java.util.Map;

/**
 * What {@code <data-dir>/state.json} holds: per bundle, the jar it serves from, the content
 * of that jar last handled, the version active, a rollback that overrides the jar, and the
 * history.
 *
 * @param format the file format, {@value #FORMAT}
 * @param bundles by bundle name
 */
record SavedState(int format, Map<String, SavedBundle> bundles) {

    static final int FORMAT = 1;

    static SavedState empty() {
        return new SavedState(FORMAT, Map.of());
    }

    /**
     * One bundle.
     *
     * @param jar the jar's file name in the deploy directory
     * @param jarSha256 the content of that jar last handled
     * @param activeSha256 the content serving, or null if nothing serves
     * @param rolledBack set when the active version is not the jar's content
     * @param history newest first
     * @param canary the canary running beside the active version, or null (absent in files
     *     written before canaries)
     */
    record SavedBundle(String jar, String jarSha256, String activeSha256, Rollback rolledBack,
                       List<HistoryEntry> history, SavedCanary canary) {
    }

    /**
     * A canary in progress: what a restart starts again beside the active version.
     *
     * @param sha256 the canary's content (the jar's)
     * @param version its version
     * @param plan its plan in the manifest form ({@code canary 5,25,100 every 1m})
     * @param step the index of the step it had reached
     * @param paused whether it was paused
     */
    record SavedCanary(String sha256, String version, String plan, int step, boolean paused) {
    }
}
