package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.KryoException;

/**
 * A body was refused while it was being decoded, before the rest of it was built: its value
 * cannot be the declared type, it would decode into more objects or hash-collision work than its
 * {@link DecodeBudget} allows, its call's deadline passed, or its caller went away. Extends
 * {@link KryoException} so that Kryo passes it through unchanged; it reaches callers as the
 * cause of a {@link SerializationException} ({@link SerializationException#refusal()}).
 */
public final class DecodeRefusedException extends KryoException {

    private static final long serialVersionUID = 1L;

    /** Which bound refused the body. */
    public enum Limit {
        /** A value whose class is not assignable to the type declared where it sits. */
        DECLARED_TYPE,
        /** More objects and collection elements than the budget allows. */
        OBJECTS,
        /** More equal-hash key comparisons in hashed collections than the budget allows. */
        HASH_COLLISIONS,
        /** The call's deadline passed during decode. */
        DEADLINE,
        /** The caller's connection closed during decode. */
        CALLER_GONE
    }

    private final Limit limit;

    /**
     * Creates the exception.
     *
     * @param limit which bound refused the body
     * @param message what was refused, with the figures
     */
    public DecodeRefusedException(Limit limit, String message) {
        super(message);
        this.limit = limit;
    }

    /**
     * Which bound refused the body.
     *
     * @return the limit
     */
    public Limit limit() {
        return limit;
    }
}
