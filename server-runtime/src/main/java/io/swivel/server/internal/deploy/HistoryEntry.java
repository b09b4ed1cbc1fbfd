package io.swivel.server.internal.deploy;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a bundle kept under {@code <data-dir>/history/<bundle>/}, newest first in a
 * bundle's history.
 *
 * @param version the bundle version
 * @param sha256 the hex SHA-256 of the jar
 * @param file the file name of the copy in the bundle's history directory
 * @param deployedAt when this content last became active
 */
public record HistoryEntry(String version, String sha256, String file, Instant deployedAt) {

    /**
     * Validates an entry.
     *
     * @param version the version
     * @param sha256 the content hash
     * @param file the copy's file name
     * @param deployedAt when it became active
     */
    public HistoryEntry {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(deployedAt, "deployedAt");
    }
}
