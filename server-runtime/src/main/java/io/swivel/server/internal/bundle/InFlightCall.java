package io.swivel.server.internal.bundle;

/**
 * A call running on a {@link BundleGeneration}, as the generation sees it: something that can
 * be answered early when the generation must unload before the call finished.
 */
public interface InFlightCall {

    /**
     * Answers the caller now, with {@code RELOADING}, unless the call was answered already;
     * whatever the call produces later is dropped.
     *
     * @param message what happened and what to do
     */
    void abandon(String message);

    /**
     * When the call arrived, for the latency of a version compared in a canary.
     *
     * @return a {@link System#nanoTime()}, or 0 if unknown
     */
    default long startNanos() {
        return 0;
    }
}
