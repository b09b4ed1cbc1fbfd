package io.swivel.server.deploy;

import io.swivel.server.bundle.BundleGeneration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The deployer's bookkeeping for one bundle: its jar, the content last handled, the standby
 * version and its probation, the history, the last error. Guarded by its own monitor: every
 * change to a bundle happens under it, so deploy, rollback and probation of one bundle never
 * interleave, while different bundles proceed independently.
 */
final class BundleRecord {

    // Written under the monitor; volatile so that status reads never wait for a deployment.
    final String name;
    volatile Path jar;
    volatile String jarSha256;
    /** The content active before a restart, until it is restored; null once restored or replaced. */
    volatile String savedActiveSha256;
    volatile Rollback rolledBack;
    /** Newest first; replaced whole on change. */
    volatile List<HistoryEntry> history = List.of();
    volatile BundleGeneration standby;
    volatile Probation.Watch probation;
    volatile String lastError;
    volatile Instant lastErrorAt;
    /** What state.json holds for this bundle, or null when nothing of it serves. */
    volatile SavedState.SavedBundle saved;

    BundleRecord(String name) {
        this.name = name;
    }

    Optional<HistoryEntry> historyEntry(String sha256) {
        return history.stream().filter(entry -> entry.sha256().equals(sha256)).findFirst();
    }

    /** Puts content at the head of the history (moving it there if it was already kept). */
    void remember(HistoryEntry entry) {
        List<HistoryEntry> next = new ArrayList<>(history);
        next.removeIf(old -> old.sha256().equals(entry.sha256()));
        next.add(0, entry);
        history = List.copyOf(next);
    }

    void error(String message) {
        lastError = BoundedText.of(message);
        lastErrorAt = Instant.now();
    }
}
