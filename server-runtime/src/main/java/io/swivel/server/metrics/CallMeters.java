package io.swivel.server.metrics;

import io.swivel.protocol.Status;

/**
 * The meters of one kind of call, resolved once (per method of a bundle generation) so that
 * recording an answered call builds nothing and takes no lock.
 */
@FunctionalInterface
public interface CallMeters {

    /** Records nothing. */
    CallMeters NONE = (status, startNanos) -> { };

    /**
     * Records one answered call.
     *
     * @param status the wire status it was answered with
     * @param startNanos the {@link System#nanoTime()} when it arrived
     */
    void record(Status status, long startNanos);
}
