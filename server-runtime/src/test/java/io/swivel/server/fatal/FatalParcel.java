package io.swivel.server.fatal;

/**
 * An argument type whose static initialiser throws when a bundle's class loader loads it (the
 * client's copy initialises normally): decoding it on the server ends in
 * {@link ExceptionInInitializerError}, then {@link NoClassDefFoundError}.
 */
public class FatalParcel {

    static {
        if (FatalParcel.class.getClassLoader().getClass().getSimpleName().equals("BundleClassLoader")) {
            throw new IllegalStateException("FatalParcel refuses to initialise in a bundle (thrown by the test)");
        }
    }

    /** The text. */
    public String text;

    /** For the serializer. */
    public FatalParcel() {
    }

    /**
     * @param text the text
     */
    public FatalParcel(String text) {
        this.text = text;
    }
}
