package io.swivel.server.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The meters of the swivel/1 transport's limits: connections refused or closed, reads and
 * accepts paused, request bodies refused while decoding, calls dropped without an answer, and
 * the gauges of open connections and of bytes held for partial frames.
 */
final class TransportMeters {

    static final String DECODE_REFUSED = "swivel.decode.refused";
    static final String CALLS_DROPPED = "swivel.calls.dropped";
    static final String CONNECTIONS_REFUSED = "swivel.connections.refused";
    static final String READS_PAUSED = "swivel.connection.reads.paused";
    static final String ACCEPT_PAUSED = "swivel.accept.paused";
    static final String CONNECTIONS_OPEN = "swivel.connections.open";
    static final String PARTIAL_FRAMES = "swivel.partial.frame.memory";

    private final MeterRegistry registry;

    TransportMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void decodeRefused(String limit) {
        count(DECODE_REFUSED, "Request bodies refused while decoding, by the limit that refused them", "limit", limit);
    }

    void callDropped(String reason) {
        count(CALLS_DROPPED, "Calls dropped without an answer, by reason (caller_gone: the connection closed first)",
                "reason", reason);
    }

    void connectionRefused(String reason) {
        count(CONNECTIONS_REFUSED, "swivel/1 connections refused or closed by a limit (GOAWAY with the reason), by reason",
                "reason", reason);
    }

    void readsPaused(String reason) {
        count(READS_PAUSED, "Times a swivel/1 connection stopped being read until it could take more, by reason",
                "reason", reason);
    }

    void acceptPaused(String reason) {
        count(ACCEPT_PAUSED, "Times the swivel/1 port stopped accepting connections for a while, by reason",
                "reason", reason);
    }

    void bind(IntSupplier openConnections, LongSupplier partialFrameBytes) {
        Gauge.builder(CONNECTIONS_OPEN, openConnections, IntSupplier::getAsInt)
                .description("swivel/1 connections served now")
                .strongReference(true)
                .register(registry);
        Gauge.builder(PARTIAL_FRAMES, partialFrameBytes, LongSupplier::getAsLong)
                .description("Bytes held for swivel/1 frames not yet decoded, all connections together")
                .baseUnit("bytes")
                .strongReference(true)
                .register(registry);
    }

    private void count(String name, String description, String tag, String value) {
        Counter.builder(name).description(description).tags(tag, value).register(registry).increment();
    }
}
