package io.swivel.server.internal.deploy;

import java.util.List;
import java.util.Map;

/**
 * What {@code <data-dir>/state.json} holds: per bundle, the jar it serves from, the content
 * of that jar last handled, the version active, a rollback that overrides the jar, the
 * history, and a canary or a shadow running beside the active version.
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
     * @param shadow the shadow running beside the active version, or null (absent in files
     *     written before shadows were kept)
     */
    record SavedBundle(String jar, String jarSha256, String activeSha256, Rollback rolledBack,
                       List<HistoryEntry> history, SavedCanary canary, SavedShadow shadow) {

        SavedBundle withShadow(SavedShadow running) {
            return new SavedBundle(jar, jarSha256, activeSha256, rolledBack, history, canary, running);
        }
    }

    /**
     * A shadow running: what a restart starts again beside the active version, with its counts
     * at zero.
     *
     * @param sha256 the shadow's content
     * @param version its version
     * @param file its copy under {@code <data-dir>/history/<bundle>/}
     * @param percent the share of idempotent calls copied
     * @param threads its threads
     * @param queue the copies that may wait for a thread
     */
    record SavedShadow(String sha256, String version, String file, int percent, int threads, int queue) {
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
