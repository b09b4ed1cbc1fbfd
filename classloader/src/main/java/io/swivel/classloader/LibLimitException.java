package io.swivel.classloader;

import java.io.IOException;

/**
 * A nested {@code lib/*.jar} of a bundle inflated past a limit while it was extracted; the
 * extraction stopped at the limit and nothing of it is left on disk.
 */
public final class LibLimitException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Which limit was passed. */
    public enum Limit {
        /** The total of the inflated bytes of all nested libraries. */
        TOTAL_BYTES,
        /** The ratio of inflated to stored bytes of one library. */
        RATIO
    }

    private final String library;
    private final long inflated;
    private final long stored;
    private final Limit limit;
    private final long allowed;

    LibLimitException(String library, long inflated, long stored, Limit limit, long allowed) {
        super(describe(library, inflated, stored, limit, allowed));
        this.library = library;
        this.inflated = inflated;
        this.stored = stored;
        this.limit = limit;
        this.allowed = allowed;
    }

    private static String describe(String library, long inflated, long stored, Limit limit, long allowed) {
        return limit == Limit.TOTAL_BYTES
                ? library + " inflated past the limit of " + allowed + " bytes for all nested libraries together "
                        + "(stopped after " + inflated + " bytes in all, " + stored + " stored bytes in this entry)"
                : library + " inflated past the compression ratio limit of " + allowed + ":1 (stopped after "
                        + inflated + " bytes from " + stored + " stored bytes)";
    }

    /** @return the entry, such as {@code lib/huge.jar} */
    public String library() {
        return library;
    }

    /** @return bytes inflated when extraction stopped (all libraries for {@link Limit#TOTAL_BYTES}) */
    public long inflated() {
        return inflated;
    }

    /** @return the entry's stored (compressed) size */
    public long stored() {
        return stored;
    }

    /** @return which limit */
    public Limit limit() {
        return limit;
    }

    /** @return the limit's value: bytes, or the ratio's left side */
    public long allowed() {
        return allowed;
    }
}
