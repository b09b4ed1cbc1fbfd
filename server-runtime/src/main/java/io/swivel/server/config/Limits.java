package io.swivel.server.config;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The bounds that keep one connection, request or bundle from taking the server down: connection
 * counts, per-connection buffers and in-flight calls, timeouts, decode budgets, the admin API's own
 * limits, bundle extraction caps and the shutdown's ZooKeeper budget. Start from
 * {@link #defaults()} and change fields with {@link #with(Consumer)}.
 *
 * @param maxConnections open {@code swivel/1} connections beyond which a new one gets {@code GOAWAY}
 * @param maxConnectionsPerAddress open connections from one remote address beyond which a new one gets {@code GOAWAY}
 * @param maxInFlightPerConnection requests of one connection running or queued before it stops being read
 * @param writeBufferHighWater outbound bytes queued on one connection before it stops being read
 *     (it is read again below half of this)
 * @param idleTimeout how long a connection may send no frame before it is closed with {@code GOAWAY}
 * @param frameTimeout how long a frame that has started may take to arrive complete
 * @param maxPartialFrameMemory bytes of incomplete frames held for all connections together
 * @param maxDecodeObjects objects and collection elements one request body may decode into
 * @param adminMaxConnections open admin HTTP connections beyond which a new one is refused
 * @param adminMaxCalls {@code POST /v1/call} requests running at once
 * @param adminReadTimeout how long an admin request's header and body may take to arrive
 * @param maxLibBytes the total size the nested {@code lib/*.jar} of one bundle may extract to
 * @param maxLibRatio the largest compression ratio (inflated : stored) of a nested library
 * @param deregisterTimeout how long shutdown waits for ZooKeeper to drop the registrations
 * @param maxUploadBytes the largest jar {@code POST /v1/bundles} accepts
 * @param uploadTimeout how long one upload's body may take to arrive
 * @param maxMetadataEntries metadata entries one request may carry; a request with more is answered {@code BAD_REQUEST}
 * @param maxMetadataBytes bytes of metadata (keys, values and their lengths) one request may carry
 * @param adminMaxTransfers uploads and jar downloads of the admin API running at once; more are answered {@code 503}
 * @param adminMaxBodyBytes the largest request body of the admin routes other than uploads; larger is answered {@code 413}
 * @param eventLogSize the events kept in memory for {@code GET /v1/events}; beyond it the oldest go
 * @param callBatch the most quick calls of one connection's read handed to a bundle's workers as one task
 *     (1 to {@value #MAX_CALL_BATCH}; 1 hands every call off alone)
 */
public record Limits(int maxConnections, int maxConnectionsPerAddress, int maxInFlightPerConnection,
                     int writeBufferHighWater, Duration idleTimeout, Duration frameTimeout, long maxPartialFrameMemory,
                     int maxDecodeObjects, int adminMaxConnections, int adminMaxCalls, Duration adminReadTimeout,
                     long maxLibBytes, int maxLibRatio, Duration deregisterTimeout, long maxUploadBytes,
                     Duration uploadTimeout, int maxMetadataEntries, int maxMetadataBytes, int adminMaxTransfers,
                     int adminMaxBodyBytes, int eventLogSize, int callBatch) {

    /** The largest {@link #callBatch()}. */
    public static final int MAX_CALL_BATCH = 256;

    /**
     * Validates the bounds.
     *
     * @param maxConnections see the record
     * @param maxConnectionsPerAddress see the record
     * @param maxInFlightPerConnection see the record
     * @param writeBufferHighWater see the record
     * @param idleTimeout see the record
     * @param frameTimeout see the record
     * @param maxPartialFrameMemory see the record
     * @param maxDecodeObjects see the record
     * @param adminMaxConnections see the record
     * @param adminMaxCalls see the record
     * @param adminReadTimeout see the record
     * @param maxLibBytes see the record
     * @param maxLibRatio see the record
     * @param deregisterTimeout see the record
     * @param maxUploadBytes see the record
     * @param uploadTimeout see the record
     * @param maxMetadataEntries see the record
     * @param maxMetadataBytes see the record
     * @param adminMaxTransfers see the record
     * @param adminMaxBodyBytes see the record
     * @param eventLogSize see the record
     * @param callBatch see the record
     */
    public Limits {
        checkAtLeast(maxConnections, 1, "maxConnections");
        checkAtLeast(maxConnectionsPerAddress, 1, "maxConnectionsPerAddress");
        checkAtLeast(maxInFlightPerConnection, 1, "maxInFlightPerConnection");
        checkAtLeast(writeBufferHighWater, 1024, "writeBufferHighWater");
        checkPositive(idleTimeout, "idleTimeout");
        checkPositive(frameTimeout, "frameTimeout");
        if (maxPartialFrameMemory < 1024) {
            throw new IllegalArgumentException("maxPartialFrameMemory: " + maxPartialFrameMemory + " (expected: >= 1024)");
        }
        checkAtLeast(maxDecodeObjects, 16, "maxDecodeObjects");
        checkAtLeast(adminMaxConnections, 2, "adminMaxConnections");
        checkAtLeast(adminMaxCalls, 1, "adminMaxCalls");
        checkPositive(adminReadTimeout, "adminReadTimeout");
        if (maxLibBytes < 1024) {
            throw new IllegalArgumentException("maxLibBytes: " + maxLibBytes + " (expected: >= 1024)");
        }
        checkAtLeast(maxLibRatio, 2, "maxLibRatio");
        checkPositive(deregisterTimeout, "deregisterTimeout");
        if (maxUploadBytes < 1024) {
            throw new IllegalArgumentException("maxUploadBytes: " + maxUploadBytes + " (expected: >= 1024)");
        }
        checkPositive(uploadTimeout, "uploadTimeout");
        if (maxMetadataEntries < 1 || maxMetadataEntries > 0xFFFF) {
            throw new IllegalArgumentException("maxMetadataEntries: " + maxMetadataEntries + " (expected: 1..65535)");
        }
        checkAtLeast(maxMetadataBytes, 64, "maxMetadataBytes");
        checkAtLeast(adminMaxTransfers, 1, "adminMaxTransfers");
        checkAtLeast(adminMaxBodyBytes, 1024, "adminMaxBodyBytes");
        checkAtLeast(eventLogSize, 1, "eventLogSize");
        if (callBatch < 1 || callBatch > MAX_CALL_BATCH) {
            throw new IllegalArgumentException("callBatch: " + callBatch + " (expected: 1.." + MAX_CALL_BATCH + ")");
        }
    }

    /**
     * The defaults of {@code swivel serve}: limits that a well-behaved client or a real bundle never meets.
     *
     * @return 10,000 connections (1,000 per address), 1,024 calls in flight and 1 MiB of answers queued per
     *     connection, idle timeout 5 min, frame timeout 10 s, 256 MiB of incomplete frames, 1,000,000 decoded
     *     objects per body, 64 admin connections and 8 admin calls, admin read timeout 10 s, 512 MiB and 100:1
     *     for nested libraries, 2 s for deregistration at shutdown, uploads of at most 256 MiB within 5 min,
     *     4 uploads and jar downloads at once, admin request bodies of 1 MiB, 500 events kept, quick calls handed
     *     to the workers 16 at a time
     */
    public static Limits defaults() {
        return new Limits(10_000, 1_000, 1024, 1024 * 1024, Duration.ofMinutes(5), Duration.ofSeconds(10),
                256L * 1024 * 1024, 1_000_000, 64, 8, Duration.ofSeconds(10), 512L * 1024 * 1024, 100,
                Duration.ofSeconds(2), 256L * 1024 * 1024, Duration.ofMinutes(5), 64, 8 * 1024, 4, 1024 * 1024, 500, 16);
    }

    /**
     * A copy with some fields changed.
     *
     * @param changes sets fields on a builder that starts as these limits
     * @return the changed copy
     */
    public Limits with(Consumer<Builder> changes) {
        Builder builder = new Builder(this);
        changes.accept(builder);
        return builder.build();
    }

    /** The mutable form of {@link Limits}, used by {@link #with(Consumer)}. */
    public static final class Builder {
        /** See {@link Limits#maxConnections()}. */
        public int maxConnections;
        /** See {@link Limits#maxConnectionsPerAddress()}. */
        public int maxConnectionsPerAddress;
        /** See {@link Limits#maxInFlightPerConnection()}. */
        public int maxInFlightPerConnection;
        /** See {@link Limits#writeBufferHighWater()}. */
        public int writeBufferHighWater;
        /** See {@link Limits#idleTimeout()}. */
        public Duration idleTimeout;
        /** See {@link Limits#frameTimeout()}. */
        public Duration frameTimeout;
        /** See {@link Limits#maxPartialFrameMemory()}. */
        public long maxPartialFrameMemory;
        /** See {@link Limits#maxDecodeObjects()}. */
        public int maxDecodeObjects;
        /** See {@link Limits#adminMaxConnections()}. */
        public int adminMaxConnections;
        /** See {@link Limits#adminMaxCalls()}. */
        public int adminMaxCalls;
        /** See {@link Limits#adminReadTimeout()}. */
        public Duration adminReadTimeout;
        /** See {@link Limits#maxLibBytes()}. */
        public long maxLibBytes;
        /** See {@link Limits#maxLibRatio()}. */
        public int maxLibRatio;
        /** See {@link Limits#deregisterTimeout()}. */
        public Duration deregisterTimeout;
        /** See {@link Limits#maxUploadBytes()}. */
        public long maxUploadBytes;
        /** See {@link Limits#uploadTimeout()}. */
        public Duration uploadTimeout;
        /** See {@link Limits#maxMetadataEntries()}. */
        public int maxMetadataEntries;
        /** See {@link Limits#maxMetadataBytes()}. */
        public int maxMetadataBytes;
        /** See {@link Limits#adminMaxTransfers()}. */
        public int adminMaxTransfers;
        /** See {@link Limits#adminMaxBodyBytes()}. */
        public int adminMaxBodyBytes;
        /** See {@link Limits#eventLogSize()}. */
        public int eventLogSize;
        /** See {@link Limits#callBatch()}. */
        public int callBatch;

        private Builder(Limits from) {
            maxConnections = from.maxConnections;
            maxConnectionsPerAddress = from.maxConnectionsPerAddress;
            maxInFlightPerConnection = from.maxInFlightPerConnection;
            writeBufferHighWater = from.writeBufferHighWater;
            idleTimeout = from.idleTimeout;
            frameTimeout = from.frameTimeout;
            maxPartialFrameMemory = from.maxPartialFrameMemory;
            maxDecodeObjects = from.maxDecodeObjects;
            adminMaxConnections = from.adminMaxConnections;
            adminMaxCalls = from.adminMaxCalls;
            adminReadTimeout = from.adminReadTimeout;
            maxLibBytes = from.maxLibBytes;
            maxLibRatio = from.maxLibRatio;
            deregisterTimeout = from.deregisterTimeout;
            maxUploadBytes = from.maxUploadBytes;
            uploadTimeout = from.uploadTimeout;
            maxMetadataEntries = from.maxMetadataEntries;
            maxMetadataBytes = from.maxMetadataBytes;
            adminMaxTransfers = from.adminMaxTransfers;
            adminMaxBodyBytes = from.adminMaxBodyBytes;
            eventLogSize = from.eventLogSize;
            callBatch = from.callBatch;
        }

        private Limits build() {
            return new Limits(maxConnections, maxConnectionsPerAddress, maxInFlightPerConnection, writeBufferHighWater,
                    idleTimeout, frameTimeout, maxPartialFrameMemory, maxDecodeObjects, adminMaxConnections,
                    adminMaxCalls, adminReadTimeout, maxLibBytes, maxLibRatio, deregisterTimeout, maxUploadBytes,
                    uploadTimeout, maxMetadataEntries, maxMetadataBytes, adminMaxTransfers, adminMaxBodyBytes, eventLogSize,
                    callBatch);
        }
    }

    private static void checkAtLeast(int value, int least, String name) {
        if (value < least) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + least + ")");
        }
    }

    private static void checkPositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
