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
     */
    record SavedBundle(String jar, String jarSha256, String activeSha256, Rollback rolledBack,
                       List<HistoryEntry> history) {
    }
}
