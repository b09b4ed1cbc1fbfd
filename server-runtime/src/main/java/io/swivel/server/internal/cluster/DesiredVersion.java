package io.swivel.server.internal.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * The version of one bundle that the whole cluster should serve, as kept under
 * {@code /swivel/desired/<bundle>}.
 *
 * @param bundle the bundle's name
 * @param version the version every server converges to
 * @param sha256 the jar's SHA-256 (lower-case hex); a fetched jar must match it
 * @param source where the jar comes from: {@code null} for a peer that serves it, otherwise a
 *     {@code file:} or {@code http(s):} URL or {@code maven:GROUP:ARTIFACT:VERSION}
 * @param setBy who set it, for people: {@code "rollout <id>"}, {@code "rollback"}, {@code "deploy --set-desired"}
 * @param setAt when, epoch milliseconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DesiredVersion(String bundle, String version, String sha256, String source, String setBy, long setAt) {

    /** Checks the parts every reader relies on. */
    public DesiredVersion {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 of " + bundle + " " + version + " is not 64 lower-case hex digits: " + sha256);
        }
    }
}
