package io.swivel.server.internal.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The versions of one bundle kept under {@code <data-dir>/history/<bundle>/}, newest first: an
 * immutable value, replaced whole on change. Pure logic: which version a rollback goes to, what
 * a deployment adds, what pruning drops. The files themselves are the caller's.
 */
final class History {

    private static final History EMPTY = new History(List.of());

    private final List<HistoryEntry> entries;

    private History(List<HistoryEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    static History empty() {
        return EMPTY;
    }

    static History of(List<HistoryEntry> entries) {
        return entries == null || entries.isEmpty() ? EMPTY : new History(entries);
    }

    List<HistoryEntry> entries() {
        return entries;
    }

    Optional<HistoryEntry> bySha256(String sha256) {
        return entries.stream().filter(entry -> entry.sha256().equals(sha256)).findFirst();
    }

    /** Whether a file name belongs to a kept version. */
    boolean keeps(String file) {
        return entries.stream().anyMatch(entry -> entry.file().equals(file));
    }

    /** The history with {@code entry} at its head (moved there if its content was kept already). */
    History remember(HistoryEntry entry) {
        List<HistoryEntry> next = new ArrayList<>(entries);
        next.removeIf(old -> old.sha256().equals(entry.sha256()));
        next.add(0, entry);
        return new History(next);
    }

    /**
     * Keeps the newest {@code limit} versions.
     *
     * @param limit how many to keep, at least 1
     * @param loaded the files of versions still loaded, never reported for deletion
     * @return the history kept and the files that may be deleted
     */
    Pruned prune(int limit, Set<String> loaded) {
        if (entries.size() <= limit) {
            return new Pruned(this, List.of());
        }
        List<String> delete = entries.subList(limit, entries.size()).stream().map(HistoryEntry::file)
                .filter(file -> !loaded.contains(file)).toList();
        return new Pruned(new History(entries.subList(0, limit)), delete);
    }

    /** What pruning keeps, and which files it frees. */
    record Pruned(History kept, List<String> filesToDelete) {
    }

    /**
     * The version a rollback from {@code activeSha256} goes to.
     *
     * @param bundle the bundle name, for messages
     * @param activeVersion the version serving, for messages
     * @param activeSha256 the content serving
     * @param toVersion the version asked for, or null for the one deployed before the active one
     * @return the entry
     * @throws RollbackException NOTHING_TO_ROLL_BACK_TO, saying what history holds
     */
    HistoryEntry rollbackTarget(String bundle, String activeVersion, String activeSha256, String toVersion)
            throws RollbackException {
        if (toVersion == null) {
            int index = -1;
            for (int i = 0; i < entries.size() && index < 0; i++) {
                if (entries.get(i).sha256().equals(activeSha256)) {
                    index = i;
                }
            }
            for (int i = index + 1; i < entries.size(); i++) {
                if (!entries.get(i).sha256().equals(activeSha256)) {
                    return entries.get(i);
                }
            }
            throw new RollbackException(RollbackException.Reason.NOTHING_TO_ROLL_BACK_TO, bundle + " " + activeVersion
                    + " has no earlier version to roll back to (history: " + versions() + ")", null);
        }
        HistoryEntry entry = entries.stream().filter(e -> e.version().equals(toVersion)).findFirst().orElse(null);
        if (entry == null) {
            throw new RollbackException(RollbackException.Reason.NOTHING_TO_ROLL_BACK_TO, "no version " + toVersion
                    + " of " + bundle + " in history; versions kept: " + versions(), null);
        }
        if (entry.sha256().equals(activeSha256)) {
            throw new RollbackException(RollbackException.Reason.NOTHING_TO_ROLL_BACK_TO, bundle + " " + toVersion
                    + " serves already", null);
        }
        return entry;
    }

    String versions() {
        return entries.stream().map(HistoryEntry::version).toList().toString();
    }
}
