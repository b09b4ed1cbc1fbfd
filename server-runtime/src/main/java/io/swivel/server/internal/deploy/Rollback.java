package io.swivel.server.internal.deploy;

import java.time.Instant;

/**
 * A rollback that left a bundle serving something other than its jar's content; the jar is
 * not deployed again until its content changes.
 *
 * @param by who rolled back: {@code admin API} for {@code swivel rollback}, {@code probation}
 *     for an automatic rollback
 * @param fromVersion the version that served before
 * @param toVersion the version that serves now
 * @param reason why (for an automatic rollback), or null
 * @param at when
 */
public record Rollback(String by, String fromVersion, String toVersion, String reason, Instant at) {
}
