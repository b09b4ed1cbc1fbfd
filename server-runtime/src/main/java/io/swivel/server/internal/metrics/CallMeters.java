package io.swivel.server.internal.metrics;

import io.swivel.protocol.Status;

/**
 * The meters of one kind of call, resolved once (per method of a bundle generation) so that
 * recording an answered call builds nothing. {@link #refused} only increments a counter
 * (lock-free: safe on a network event loop); {@link #answered} also records the latency
 * histogram and runs on the bundle's threads.
 */
public interface CallMeters {

    /** Records nothing. */
    CallMeters NONE = new CallMeters() {
        @Override
        public void refused(Status status) {
        }

        @Override
        public void answered(Status status, long startNanos) {
        }
    };

    /**
     * Counts a call answered before it was handed to the bundle (not found, overloaded,
     * reloading).
     *
     * @param status the wire status it was answered with
     */
    void refused(Status status);

    /**
     * Counts and times a call that was handed to the bundle.
     *
     * @param status the wire status it was answered with
     * @param startNanos the {@link System#nanoTime()} when it arrived
     */
    void answered(Status status, long startNanos);
}
