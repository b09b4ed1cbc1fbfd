package io.swivel.api;

/**
 * Receives a bundle's new configuration when {@code <bundle>.properties} beside its jar is
 * edited, without reloading any class and without dropping a call.
 *
 * <p>A version that registers no listener is restarted instead, as a normal swap, so that
 * it reads the new configuration at start.
 */
@FunctionalInterface
public interface ConfigListener {

    /**
     * Called on a runtime thread after the configuration changed; {@link BundleContext#config()}
     * already returns the new values. An exception is logged and shown as the bundle's last
     * error; the running version keeps serving.
     *
     * @param config the new configuration
     * @throws Exception if the bundle cannot apply it
     */
    void configChanged(BundleConfig config) throws Exception;
}
