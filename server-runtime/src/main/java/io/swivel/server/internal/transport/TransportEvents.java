package io.swivel.server.internal.transport;

import io.swivel.server.internal.metrics.ServerMetrics;

/** Where the transport reports refusals and pauses: counted in the metrics, logged rate-limited. */
final class TransportEvents {

    private final ServerMetrics metrics;
    private final RefusalLog log;

    TransportEvents(ServerMetrics metrics, RefusalLog log) {
        this.metrics = metrics;
        this.log = log;
    }

    /** A connection was refused or closed by a limit. */
    void refused(Refusal refusal, String message) {
        metrics.connectionRefused(refusal.label());
        log.refused(refusal, message);
    }

    /** A connection was refused or closed, logged by the caller: counted only. */
    void countRefused(Refusal refusal) {
        metrics.connectionRefused(refusal.label());
    }

    /** A connection stopped being read for a while. */
    void readsPaused(Refusal refusal, String message) {
        metrics.readsPaused(refusal.label());
        log.refused(refusal, message);
    }

    /** The port stopped accepting for a while. */
    void acceptPaused(Refusal refusal, String message) {
        metrics.acceptPaused(refusal.label());
        log.refused(refusal, message);
    }
}
