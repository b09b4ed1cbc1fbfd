package io.swivel.protocol.kryo;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The bounds of decoding one body: how many objects and collection elements it may build, how
 * much equal-hash key comparison its hashed collections may cost, and when to stop because the
 * call's deadline passed or its caller went away. Single use: one per body, made per call (it is
 * a few fields; the decoder's state lives in pooled Kryo instances).
 *
 * <p>A body of N bytes may build at most {@code min(maxObjects, 8 N + 4096)} objects and
 * elements: every object takes at least one byte on the wire, so a well-formed body stays far
 * below, while a few bytes that claim millions of elements (or millions of nulls) are refused
 * before the collection is allocated. Hashed collections may spend as many key comparisons as
 * there are objects allowed. The deadline and the caller are checked every
 * {@value #CHECK_EVERY} units of work and once before decoding starts.
 */
public final class DecodeBudget {

    /** The default hard cap of objects and collection elements per body. */
    public static final int DEFAULT_MAX_OBJECTS = 1_000_000;
    /** Objects and elements allowed per byte of body, before the hard cap. */
    static final int UNITS_PER_BYTE = 8;
    /** Objects and elements allowed in any body, however short. */
    static final int SLACK_UNITS = 4096;
    /** How often (in units of work) the deadline and the caller are checked. */
    static final int CHECK_EVERY = 1024;

    private final int maxObjects;
    private final long deadlineNanos;
    private final BooleanSupplier callerPresent;
    private int bodyLength;
    private long limit;
    private long objects;
    private long hashWork;
    private long nextCheck;

    private DecodeBudget(int maxObjects, long deadlineNanos, BooleanSupplier callerPresent) {
        this.maxObjects = maxObjects;
        this.deadlineNanos = deadlineNanos;
        this.callerPresent = callerPresent;
    }

    /**
     * A budget for one body.
     *
     * @param maxObjects the hard cap of objects and collection elements
     * @param deadlineNanos the {@link System#nanoTime()} after which decoding stops, or 0 for none
     * @param callerPresent false once nobody waits for the answer (checked periodically)
     * @return the budget
     */
    public static DecodeBudget of(int maxObjects, long deadlineNanos, BooleanSupplier callerPresent) {
        if (maxObjects < 16) {
            throw new IllegalArgumentException("maxObjects: " + maxObjects + " (expected: >= 16)");
        }
        return new DecodeBudget(maxObjects, deadlineNanos, Objects.requireNonNull(callerPresent, "callerPresent"));
    }

    /**
     * A budget with the default cap, no deadline and a caller always present.
     *
     * @return the budget
     */
    public static DecodeBudget defaults() {
        return new DecodeBudget(DEFAULT_MAX_OBJECTS, 0, () -> true);
    }

    /** Starts the accounting of a body of {@code length} bytes; checks the deadline and the caller once. */
    void start(int length) {
        bodyLength = length;
        limit = Math.min(maxObjects, (long) UNITS_PER_BYTE * length + SLACK_UNITS);
        objects = 0;
        hashWork = 0;
        nextCheck = CHECK_EVERY;
        checkpoint();
    }

    /** Counts {@code n} objects or collection elements, before they are built. */
    void chargeObjects(long n) {
        objects += n;
        if (objects > limit) {
            throw new DecodeRefusedException(DecodeRefusedException.Limit.OBJECTS, "the body of " + bodyLength
                    + " bytes would decode into more than " + limit + " objects and collection elements (limit: "
                    + limitText() + "); refused after " + (objects - n) + ", before building " + n + " more");
        }
        maybeCheck();
    }

    /** Counts {@code n} key comparisons a hashed collection will spend on equal hash codes. */
    void chargeHashWork(long n) {
        hashWork += n;
        if (hashWork > limit) {
            throw new DecodeRefusedException(DecodeRefusedException.Limit.HASH_COLLISIONS, "the body's hashed "
                    + "collections would need more than " + limit + " comparisons of keys with equal hash codes "
                    + "(limit: " + limitText() + "); a hash-flooded set or map, refused after " + objects + " objects");
        }
        maybeCheck();
    }

    private String limitText() {
        return limit == maxObjects ? maxObjects + ", --max-decode-objects"
                : UNITS_PER_BYTE + " per body byte + " + SLACK_UNITS;
    }

    private void maybeCheck() {
        if (objects + hashWork >= nextCheck) {
            nextCheck = objects + hashWork + CHECK_EVERY;
            checkpoint();
        }
    }

    /**
     * Stops decoding if the deadline passed or the caller went away.
     *
     * @throws DecodeRefusedException with {@link DecodeRefusedException.Limit#DEADLINE} or
     *     {@link DecodeRefusedException.Limit#CALLER_GONE}
     */
    public void checkpoint() {
        if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos > 0) {
            throw new DecodeRefusedException(DecodeRefusedException.Limit.DEADLINE,
                    "the call's deadline passed while its body was decoded (after " + objects + " objects)");
        }
        if (!callerPresent.getAsBoolean()) {
            throw new DecodeRefusedException(DecodeRefusedException.Limit.CALLER_GONE,
                    "the caller went away while its body was decoded (after " + objects + " objects)");
        }
    }

    /**
     * Objects and collection elements counted so far.
     *
     * @return the count
     */
    public long objects() {
        return objects;
    }

    /**
     * Equal-hash key comparisons counted so far.
     *
     * @return the count
     */
    public long hashWork() {
        return hashWork;
    }
}
