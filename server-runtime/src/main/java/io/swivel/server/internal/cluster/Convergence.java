package io.swivel.server.internal.cluster;

import io.swivel.server.internal.deploy.BundleView;
import java.time.Duration;
import java.time.Instant;

/**
 * The rule a following server applies to one bundle, given its desired version, what it serves
 * and what it tried: a pure function, so the rule is tested without a cluster.
 *
 * <ul>
 *   <li>It serves the desired content (by SHA-256): done ({@link Step#MATCHES}), or, when this
 *       server deployed it and its probation is still running, {@link Step#SETTLING}.</li>
 *   <li>It serves other content or nothing, and has not tried this content yet: {@link Step#FETCH}.</li>
 *   <li>It tried it: {@link Step#FAILED} once the bundle reports an error or a rollback after the
 *       attempt began (the version did not start, or failed its probation), or the attempt outlived
 *       its time; else {@link Step#WAIT} for the watcher to deploy it.</li>
 * </ul>
 */
final class Convergence {

    /** What to do next. */
    enum Step { MATCHES, SETTLING, FETCH, WAIT, FAILED }

    /**
     * The decision.
     *
     * @param step what to do
     * @param why one line for the log and the events
     */
    record Decision(Step step, String why) {
    }

    /**
     * A jar this server installed to converge.
     *
     * @param sha256 its content
     * @param startedAt when the attempt began (before the jar reached the deploy directory)
     * @param from where it came from, for people
     */
    record Attempt(String sha256, Instant startedAt, String from) {
    }

    private Convergence() {
    }

    /**
     * @param desired the desired version
     * @param view the bundle on this server, or null when it has none
     * @param attempt what this server installed for it, or null
     * @param now the time now
     * @param timeout how long an attempt may take to serve, probation included
     * @return the next step
     */
    static Decision decide(DesiredVersion desired, BundleView view, Attempt attempt, Instant now, Duration timeout) {
        BundleView.Version active = view != null ? view.active() : null;
        String wanted = desired.bundle() + " " + desired.version();
        if (active != null && active.sha256().equals(desired.sha256())) {
            if (attempt != null && view.standby() != null) {
                return new Decision(Step.SETTLING, wanted + " serves; its probation runs until " + view.probationEndsAt());
            }
            return new Decision(Step.MATCHES, wanted + " serves");
        }
        String serving = active != null ? "serves " + active.version() : "serves no version of it";
        if (attempt == null || !attempt.sha256().equals(desired.sha256())) {
            return new Decision(Step.FETCH, "this server " + serving + ", the cluster wants " + wanted);
        }
        if (view != null && view.rolledBack() != null && view.rolledBack().at().isAfter(attempt.startedAt())) {
            return new Decision(Step.FAILED, wanted + " was rolled back by " + view.rolledBack().by()
                    + (view.rolledBack().reason() != null ? ": " + view.rolledBack().reason() : ""));
        }
        if (view != null && view.lastErrorAt() != null && view.lastErrorAt().isAfter(attempt.startedAt())) {
            return new Decision(Step.FAILED, wanted + " did not deploy: " + view.lastError());
        }
        if (now.isAfter(attempt.startedAt().plus(timeout))) {
            return new Decision(Step.FAILED, wanted + " (from " + attempt.from() + ") did not serve within "
                    + timeout.toSeconds() + " s; this server " + serving);
        }
        return new Decision(Step.WAIT, wanted + " is in the deploy directory; this server " + serving + " until it deploys");
    }
}
