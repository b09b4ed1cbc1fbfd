package io.swivel.server.security;

/**
 * A class on the server's own classpath that no service mentions: Kryo's class resolver falls
 * back to the server's loader when the bundle's does not know a name, so without the allowlist a
 * body naming this class would load it, and instantiating it runs the static initializer, which
 * sets {@value #INITIALIZED}. Tests name it only as a string.
 */
public final class ServerCanary {

    /** Set to "true" once this class is initialized. */
    public static final String INITIALIZED = "swivel.security.serverCanary";

    static {
        System.setProperty("swivel.security.serverCanary", "true");
    }

    /** Same shape as a harmless value. */
    public String payload;
}
