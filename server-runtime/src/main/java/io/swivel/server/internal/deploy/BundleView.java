package io.swivel.server.internal.deploy;

import java.time.Instant;
import java.util.List;

/**
 * What {@code swivel status} and {@code GET /v1/bundles} show of one bundle.
 *
 * @param name the bundle name
 * @param jar the jar's file name in the deploy directory
 * @param active the version serving, or null
 * @param standby the previous version kept started during the active one's probation, or null
 * @param probationEndsAt when the standby is released, or null
 * @param rolledBack set when the active version is not the jar's content
 * @param lastError the last failure (deployment, configuration, probation), or null
 * @param lastErrorAt when it happened, or null
 * @param history the versions kept in history, newest first
 */
public record BundleView(String name, String jar, Version active, Version standby, Instant probationEndsAt,
                         Rollback rolledBack, String lastError, Instant lastErrorAt, List<HistoryEntry> history) {

    /**
     * One loaded version.
     *
     * @param version the version
     * @param sha256 the jar's content hash
     * @param state the lifecycle state
     * @param inFlight calls running now
     * @param calls calls finished since it became active
     * @param failedCalls of those, unexpected failures
     * @param services the services it serves
     */
    public record Version(String version, String sha256, String state, int inFlight, long calls, long failedCalls,
                          List<String> services) {
    }
}
